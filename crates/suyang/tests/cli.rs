//! The operator's command line, run as a real process in a scratch directory.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn suyang(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_suyang"))
        .args(args)
        .current_dir(dir)
        .env_remove("SUYANG_DATABASE_URL")
        .env_remove("SUYANG_CONFIG")
        .env("SUYANG_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn operators_manage_people_frameworks_and_backups() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    let o = suyang(d, &["user", "add", "admin", "--admin"], "a long password\n");
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        d.join("data/suyang.db").exists(),
        "SQLite under ./data by default"
    );
    let o = suyang(d, &["user", "add", "shorty"], "short\n");
    assert!(!o.status.success());
    assert!(text(&o).contains("at least 8 characters"), "{}", text(&o));
    let o = suyang(d, &["user", "add", "admin"], "a long password\n");
    assert!(!o.status.success(), "duplicate login refused");
    assert!(
        suyang(
            d,
            &["user", "add", "guide.li", "--role", "facilitator"],
            "a long password\n"
        )
        .status
        .success()
    );
    assert!(
        suyang(d, &["user", "grant", "guide.li", "org-admin"], "")
            .status
            .success()
    );
    assert!(
        !suyang(d, &["user", "grant", "guide.li", "emperor"], "")
            .status
            .success()
    );
    assert!(
        !suyang(d, &["user", "grant", "nobody", "learner"], "")
            .status
            .success()
    );
    let list = text(&suyang(d, &["user", "list"], ""));
    assert!(
        list.contains("platform-admin") && list.contains("org-admin"),
        "{list}"
    );

    let o = suyang(d, &["framework", "export", "-o", "fw.json"], "");
    assert!(o.status.success(), "{}", text(&o));
    let o = suyang(d, &["framework", "import", "fw.json"], "");
    assert!(
        text(&o).contains("unchanged"),
        "re-import of the export is a no-op: {}",
        text(&o)
    );
    std::fs::write(d.join("bad.json"), r#"{"CFDocument": {"identifier": "x"}}"#).unwrap();
    let o = suyang(d, &["framework", "import", "bad.json"], "");
    assert!(!o.status.success());
    assert!(text(&o).contains("CFDocument"), "{}", text(&o));
    assert!(text(&suyang(d, &["framework", "list"], "")).contains("built-in"));

    let o = suyang(d, &["backup", "copy.db"], "");
    assert!(o.status.success(), "{}", text(&o));
    assert!(std::fs::metadata(d.join("copy.db")).unwrap().len() > 0);
    assert!(
        !suyang(d, &["backup", "copy.db"], "").status.success(),
        "never overwrites"
    );

    let o = suyang(d, &["check"], "");
    assert!(
        o.status.success() && text(&o).contains("migrations up to date"),
        "{}",
        text(&o)
    );
}

#[test]
fn configuration_precedence_and_bad_settings() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("suyang.toml"),
        "database_url = \"sqlite:from-file.db\"\n",
    )
    .unwrap();
    let o = suyang(d, &["check"], "");
    assert!(
        text(&o).contains("sqlite:from-file.db"),
        "the TOML file is read: {}",
        text(&o)
    );
    let o = suyang(d, &["--database-url", "sqlite:from-flag.db", "check"], "");
    assert!(
        text(&o).contains("sqlite:from-flag.db"),
        "flags beat the file: {}",
        text(&o)
    );
    std::fs::write(d.join("suyang.toml"), "colour = \"blue\"\n").unwrap();
    let o = suyang(d, &["check"], "");
    assert!(
        !o.status.success() && text(&o).contains("invalid configuration file"),
        "{}",
        text(&o)
    );
    std::fs::remove_file(d.join("suyang.toml")).unwrap();
    let o = suyang(d, &["--database-url", "mysql://x", "check"], "");
    assert!(!o.status.success());
    let help = text(&suyang(d, &["serve", "--help"], ""));
    for setting in [
        "--listen",
        "--public-url",
        "--max-connections",
        "--session-days",
        "--database-url",
        "SUYANG_LISTEN",
    ] {
        assert!(help.contains(setting), "serve --help documents {setting}");
    }
}
