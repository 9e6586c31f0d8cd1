//! A test app: the real server on an ephemeral port with a fresh database (SQLite always,
//! PostgreSQL too when SUYANG_TEST_DATABASE_URL is set), driven over HTTP.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::cookie::{CookieStore, Jar};
use suyang_store::testing::{TestDb, backends};
use suyang_web::{AppState, WebConfig};

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    db: Option<TestDb>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    pub async fn start(backend: &str) -> TestApp {
        TestApp::start_with(backend, |_| {}).await
    }

    /// Starts with a configuration adjusted by `tune`.
    pub async fn start_with(backend: &str, tune: impl FnOnce(&mut WebConfig)) -> TestApp {
        let db = TestDb::create(backend).await.expect("test database");
        let store = db.store().await.expect("store");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr: SocketAddr = listener.local_addr().unwrap();
        let base = format!("http://{addr}");
        let mut config = WebConfig::new(&base);
        config.argon2_memory_kib = 1024; // fast hashing in tests; production uses 19 MiB
        config.max_body_bytes = 256 * 1024;
        tune(&mut config);
        let state = AppState::init(store, config, None).await.expect("state");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let s = state.clone();
        let server = tokio::spawn(async move {
            suyang_web::serve(s, listener, async {
                let _ = rx.await;
            })
            .await
            .expect("server");
        });
        TestApp {
            base,
            state,
            db: Some(db),
            shutdown: Some(tx),
            server: Some(server),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
    pub fn client(&self) -> Client {
        let jar = Arc::new(Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Client {
            http,
            jar,
            base: self.base.clone(),
        }
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        if let Some(db) = self.db.take() {
            db.cleanup().await;
        }
    }
}

/// Runs a scenario against a fresh app on every configured backend.
pub async fn on_each_backend(scenario: impl AsyncFn(&TestApp)) {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        scenario(&app).await;
        app.stop().await;
    }
}

pub struct Client {
    pub http: reqwest::Client,
    pub jar: Arc<Jar>,
    pub base: String,
}

/// The value of the first hidden `csrf` field in a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("page has a CSRF field") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

impl Client {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.unwrap()
    }

    pub async fn page(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.text().await.unwrap())
    }

    /// Posts a form with the CSRF token taken from `from` (a page path).
    pub async fn submit(
        &self,
        from: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let (_, html) = self.page(from).await;
        let token = csrf_of(&html);
        let mut form: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        form.extend_from_slice(fields);
        self.http
            .post(self.url(action))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        let url = reqwest::Url::parse(&self.base).unwrap();
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }

    /// Signs up through the web form; the client is then signed in.
    pub async fn sign_up(&self, login: &str, password: &str) -> reqwest::Response {
        self.submit(
            "/signup",
            "/signup",
            &[
                ("login", login),
                ("display_name", "测试学员"),
                ("password", password),
                ("password_again", password),
            ],
        )
        .await
    }
}

pub fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// Ratings for every competence of the primary framework, all `value` except `low` at 1.
pub fn ratings(app: &TestApp, value: u8, low: &str) -> Vec<(String, String)> {
    let catalog = app.state.catalog();
    let f = catalog.primary_framework().unwrap();
    f.competences()
        .map(|(_, c)| {
            (
                format!("r-{}", c.code),
                if c.code == low {
                    "1".to_string()
                } else {
                    value.to_string()
                },
            )
        })
        .collect()
}
