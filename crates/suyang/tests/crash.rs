//! `kill -9` while the LRS stores a large batch: afterwards the batch is there whole or not at
//! all, and the platform starts and serves again. Run on SQLite and, when configured,
//! PostgreSQL.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use suyang_store::testing::{TestDb, backends};
use suyang_store::{StatementQuery, Store};
use time::OffsetDateTime;
use uuid::Uuid;

/// Statements per batch: as many as fit the default 2 MiB request limit.
const BATCH: usize = 1_500;

fn command(dir: &Path, url: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_suyang"));
    c.current_dir(dir)
        .env_remove("SUYANG_CONFIG")
        .env("SUYANG_DATABASE_URL", url)
        .env("SUYANG_LOG", "warn");
    c
}

/// Starts the server on a free port; returns it with its address.
fn serve(dir: &Path, url: &str) -> (Child, String) {
    let mut child = command(dir, url)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let address = line
        .trim()
        .rsplit("http://")
        .next()
        .expect("the server says where it serves")
        .to_string();
    (child, address)
}

fn batch(registration: Uuid) -> String {
    let statements: Vec<String> = (0..BATCH)
        .map(|i| {
            format!(
                r#"{{"actor":{{"account":{{"homePage":"http://crash.example.cn","name":"learner-{i}"}}}},
                "verb":{{"id":"http://adlnet.gov/expapi/verbs/answered","display":{{"zh-CN":"回答"}}}},
                "object":{{"id":"http://crash.example.cn/items/{i}","definition":{{"type":"http://adlnet.gov/expapi/activities/cmi.interaction","interactionType":"choice"}}}},
                "result":{{"score":{{"scaled":0.5}},"success":true,"duration":"PT12S"}},
                "context":{{"registration":"{registration}","contextActivities":{{"parent":[{{"id":"http://crash.example.cn/tests/1"}}]}}}}}}"#
            )
        })
        .collect();
    format!("[{}]", statements.join(","))
}

/// Sends the batch without waiting for the answer.
fn send(address: &str, auth: &str, body: &str) -> TcpStream {
    let mut stream = TcpStream::connect(address).unwrap();
    let head = format!(
        "POST /xapi/statements HTTP/1.1\r\nHost: {address}\r\nAuthorization: Basic {auth}\r\nX-Experience-API-Version: 2.0.0\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    stream
}

async fn stored_of(url: &str, registration: Uuid) -> usize {
    let store = Store::connect(url, 2).await.unwrap();
    let org = store
        .ensure_organisation("default", "默认机构", OffsetDateTime::now_utc())
        .await
        .unwrap();
    let found = store
        .query_statements(&StatementQuery {
            org_id: org.id,
            registration: Some(registration),
            limit: 10 * BATCH as i64,
            ..Default::default()
        })
        .await
        .unwrap()
        .len();
    store.close().await;
    found
}

fn base64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_during_a_large_batch_leaves_all_of_it_or_none() {
    for backend in backends() {
        let db = TestDb::create(backend).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let url = if backend == "sqlite" {
            format!("sqlite:{}", dir.path().join("crash.db").display())
        } else {
            db.url.clone()
        };
        let credential = command(dir.path(), &url)
            .args(["lrs", "credentials", "add", "--name", "crash"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&credential.stdout).to_string();
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_string())
                .unwrap_or_else(|| panic!("no {name} in {text}"))
        };
        let auth = base64(&format!("{}:{}", field("key:"), field("secret:")));
        let (mut whole, mut none) = (0, 0);
        // Kills land anywhere from while the body arrives to after the commit.
        for delay_ms in [0, 2, 5, 10, 20, 35, 50, 75, 100, 150, 250, 400] {
            let (mut server, address) = serve(dir.path(), &url);
            let registration = Uuid::new_v4();
            let body = batch(registration);
            let _open = send(&address, &auth, &body);
            std::thread::sleep(Duration::from_millis(delay_ms));
            server.kill().unwrap(); // SIGKILL
            server.wait().unwrap();
            match stored_of(&url, registration).await {
                0 => none += 1,
                n if n == BATCH => whole += 1,
                n => panic!(
                    "{backend}: {n} of {BATCH} statements stored after kill -9 at {delay_ms} ms"
                ),
            }
        }
        assert!(whole + none == 12, "{backend}: {whole} whole, {none} none");
        // The platform comes back and stores the next batch whole.
        let (mut server, address) = serve(dir.path(), &url);
        let registration = Uuid::new_v4();
        let mut stream = send(&address, &auth, &batch(registration));
        let mut answer = String::new();
        BufReader::new(&mut stream).read_line(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert_eq!(stored_of(&url, registration).await, BATCH);
        server.kill().unwrap();
        server.wait().unwrap();
        eprintln!("{backend}: after kill -9, {whole} batches whole and {none} absent");
        db.cleanup().await;
    }
}
