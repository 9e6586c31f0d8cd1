//! Authorization: a learner reads and changes only their own data (checked per endpoint).

mod common;

use common::{TestApp, on_each_backend};
use serde_json::{Value, json};
use suyang_domain::account::Role;

async fn account(app: &TestApp, login: &str) -> (String, String) {
    let c = app.client().http;
    let r = c
        .post(app.url("/api/v1/users"))
        .json(&json!({"login": login, "display_name": login, "password": "correct horse"}))
        .send()
        .await
        .unwrap();
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let t: Value = c
        .post(app.url("/api/v1/sessions"))
        .json(&json!({"login": login, "password": "correct horse"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (id, format!("Bearer {}", t["token"].as_str().unwrap()))
}

#[tokio::test]
async fn learners_cannot_reach_each_other() {
    on_each_backend(async |app| {
        let c = app.client().http;
        let (a_id, a) = account(app, "learner.a").await;
        let (b_id, b) = account(app, "learner.b").await;
        let mut ratings = serde_json::Map::new();
        for (_, comp) in app
            .state
            .catalog()
            .primary_framework()
            .unwrap()
            .competences()
        {
            ratings.insert(comp.code.clone(), json!(3));
        }
        let r = c
            .post(app.url("/api/v1/self-assessment"))
            .header("authorization", &b)
            .json(&json!({"ratings": ratings}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);

        for path in [
            format!("/api/v1/users/{b_id}"),
            format!("/api/v1/users/{b_id}/profile"),
        ] {
            let r = c
                .get(app.url(&path))
                .header("authorization", &a)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 403, "{path}");
            let r = c.get(app.url(&path)).send().await.unwrap();
            assert_eq!(r.status(), 401, "{path} without credentials");
        }
        // Their own record is fine.
        assert_eq!(
            c.get(app.url(&format!("/api/v1/users/{a_id}")))
                .header("authorization", &a)
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        // Every /me endpoint acts on the caller only: A's calls leave B untouched.
        for (method, path) in [
            ("GET", "/api/v1/me"),
            ("GET", "/api/v1/me/export"),
            ("GET", "/api/v1/me/statistics"),
            ("GET", "/api/v1/me/profile"),
        ] {
            let r = c
                .request(method.parse().unwrap(), app.url(path))
                .header("authorization", &a)
                .send()
                .await
                .unwrap();
            let body = r.text().await.unwrap();
            assert!(!body.contains("learner.b"), "{path} leaks nothing of B");
        }
        let r = c
            .patch(app.url("/api/v1/me"))
            .header("authorization", &a)
            .json(&json!({"display_name": "A 改名"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let b_user = app
            .state
            .store
            .user_by_login("learner.b")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(b_user.display_name, "learner.b");
        // Only platform admins import frameworks.
        let r = c
            .post(app.url("/api/v1/frameworks"))
            .header("authorization", &a)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        // The web admin page is closed to learners.
        let web = app.client();
        web.sign_up("learner.c", "correct horse").await;
        assert_eq!(web.get("/admin").await.status(), 403);
        // Signed-out visitors are sent to sign in for personal pages.
        let anon = app.client();
        for path in ["/me", "/me/settings", "/me/export", "/assessment"] {
            let r = anon.get(path).await;
            assert_eq!(r.status(), 303, "{path}");
            assert!(common::location(&r).starts_with("/signin?next="));
        }
    })
    .await;
}

#[tokio::test]
async fn facilitators_see_their_organisation_and_are_audited() {
    on_each_backend(async |app| {
        let c = app.client().http;
        let (b_id, _) = account(app, "learner.d").await;
        let (_, f) = account(app, "teacher.e").await;
        let teacher = app
            .state
            .store
            .user_by_login("teacher.e")
            .await
            .unwrap()
            .unwrap();
        app.state
            .store
            .set_role(
                teacher.id,
                Role::Facilitator,
                time::OffsetDateTime::now_utc(),
            )
            .await
            .unwrap();
        let r = c
            .get(app.url(&format!("/api/v1/users/{b_id}")))
            .header("authorization", &f)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let log = app.state.store.audit_log(10, 0).await.unwrap();
        assert!(
            log.iter()
                .any(|e| e.action == "user.view" && e.actor == "teacher.e")
        );

        app.state
            .store
            .set_role(teacher.id, Role::OrgAdmin, time::OffsetDateTime::now_utc())
            .await
            .unwrap();
        let web = app.client();
        let r = web
            .submit(
                "/signin",
                "/signin",
                &[
                    ("login", "teacher.e"),
                    ("password", "correct horse"),
                    ("next", "/admin"),
                ],
            )
            .await;
        assert_eq!(common::location(&r), "/admin");
        let (status, html) = web.page("/admin").await;
        assert_eq!(status, 200);
        assert!(html.contains("learner.d"));
        assert!(
            app.state
                .store
                .audit_log(10, 0)
                .await
                .unwrap()
                .iter()
                .any(|e| e.action == "admin.view")
        );
    })
    .await;
}

#[tokio::test]
async fn organisation_admins_issue_and_revoke_lrs_credentials() {
    on_each_backend(async |app| {
        let (_, _) = account(app, "admin.lrs").await;
        let admin = app
            .state
            .store
            .user_by_login("admin.lrs")
            .await
            .unwrap()
            .unwrap();
        app.state
            .store
            .set_role(admin.id, Role::OrgAdmin, time::OffsetDateTime::now_utc())
            .await
            .unwrap();
        let web = app.client();
        web.submit(
            "/signin",
            "/signin",
            &[("login", "admin.lrs"), ("password", "correct horse")],
        )
        .await;
        let r = web
            .submit(
                "/admin",
                "/admin/lrs",
                &[
                    ("name", "H5P 课件"),
                    ("scope", "statements/write"),
                    ("scope", "statements/read"),
                ],
            )
            .await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        let code = |after: &str| {
            let i = html.find(after).unwrap() + after.len();
            let j = html[i..].find("<code>").unwrap() + i + 6;
            html[j..j + html[j..].find("</code>").unwrap()].to_string()
        };
        let (key, secret) = (code("<dt>"), code("</dd></div><div><dt>"));
        let xapi = reqwest::Client::new();
        let get = |k: String, s: String| {
            xapi.get(app.url("/xapi/statements"))
                .basic_auth(k, Some(s))
                .header("X-Experience-API-Version", "2.0.0")
                .send()
        };
        assert_eq!(
            get(key.clone(), secret.clone()).await.unwrap().status(),
            200
        );
        let r = web
            .submit("/admin", "/admin/lrs", &[("name", "no scope")])
            .await;
        assert_eq!(r.status(), 400);
        let r = web
            .submit("/admin", "/admin/lrs/revoke", &[("key", key.as_str())])
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(
            get(key.clone(), secret).await.unwrap().status(),
            401,
            "revoked credentials stop working"
        );
        let log = app.state.store.audit_log(20, 0).await.unwrap();
        assert!(
            log.iter().any(|e| e.action == "lrs.credential.add")
                && log.iter().any(|e| e.action == "lrs.credential.revoke")
        );
        // A learner cannot issue credentials.
        let learner = app.client();
        learner.sign_up("not.admin", "correct horse").await;
        let r = learner
            .submit("/", "/admin/lrs", &[("name", "x"), ("scope", "all")])
            .await;
        assert_eq!(r.status(), 403);
    })
    .await;
}
