//! Bad input gets a clear, localized 4xx — never a 500, a panic or a half-written record.

mod common;

use common::{csrf_of, on_each_backend};
use serde_json::{Value, json};

async fn problem(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        ct.starts_with("application/problem+json"),
        "problem+json, got {ct}"
    );
    (status, r.json().await.unwrap())
}

#[tokio::test]
async fn api_rejects_malformed_requests_with_problem_details() {
    on_each_backend(async |app| {
        let c = app.client().http;
        let post = |path: &str| c.post(app.url(path));
        let (s, p) = problem(
            post("/api/v1/users")
                .header("content-type", "application/json")
                .body("{\"login\":")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 400);
        assert!(p["detail"].as_str().unwrap().contains("JSON"));
        let (s, _) = problem(
            post("/api/v1/users")
                .header("content-type", "text/plain")
                .body("hello")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 415);
        let (s, p) = problem(
            post("/api/v1/users")
                .header("accept-language", "en")
                .json(&json!({"login": "ok.name"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 422, "missing fields");
        assert_eq!(p["title"], "The request is not in the right format");
        let big = "x".repeat(300 * 1024);
        let (s, _) = problem(
            post("/api/v1/users")
                .json(&json!({"login": big, "display_name": "a", "password": "b"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 413);
        let (s, p) = problem(
            c.get(app.url("/api/v1/no/such/thing"))
                .header("accept-language", "ug")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 404);
        assert_ne!(p["title"], "error-not-found", "localized");
        let (s, _) = problem(c.put(app.url("/api/v1/frameworks")).send().await.unwrap()).await;
        assert_eq!(s, 405);
        let (s, _) = problem(
            c.get(app.url("/api/v1/frameworks/not-a-uuid"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 404);
        let (s, _) = problem(c.get(app.url("/api/v1/me")).send().await.unwrap()).await;
        assert_eq!(s, 401);
        let (s, _) = problem(
            c.get(app.url("/api/v1/me"))
                .header("authorization", "Bearer forged")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 401);

        // Duplicate sign-up: 422 naming the login, and nothing half-written.
        let body = json!({"login": "dup.user", "display_name": "一", "password": "correct horse"});
        assert_eq!(
            post("/api/v1/users")
                .json(&body)
                .send()
                .await
                .unwrap()
                .status(),
            201
        );
        let (s, p) = problem(
            post("/api/v1/users")
                .header("accept-language", "en")
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 422);
        assert_eq!(p["errors"][0]["field"], "login");
        assert_eq!(p["errors"][0]["code"], "login-taken");
        assert_eq!(app.state.store.count_users().await.unwrap(), 1);

        // Wrong password; then throttling after repeated failures.
        for _ in 0..5 {
            let r = post("/api/v1/sessions")
                .json(&json!({"login": "dup.user", "password": "wrong password"}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 401);
        }
        let r = post("/api/v1/sessions")
            .json(&json!({"login": "dup.user", "password": "correct horse"}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            429,
            "locked for a while even with the right password"
        );

        // Ratings out of range, missing, unknown.
        let r = post("/api/v1/users")
            .json(&json!({"login": "rater", "display_name": "评", "password": "correct horse"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let t: Value = post("/api/v1/sessions")
            .json(&json!({"login": "rater", "password": "correct horse"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let auth = format!("Bearer {}", t["token"].as_str().unwrap());
        for ratings in [
            json!({"1.1": 7}),
            json!({"1.1": 2}),
            json!({"9.9": 2}),
            json!({"1.1": -1}),
        ] {
            let (s, p) = problem(
                post("/api/v1/self-assessment")
                    .header("authorization", &auth)
                    .json(&json!({"ratings": ratings}))
                    .send()
                    .await
                    .unwrap(),
            )
            .await;
            assert_eq!(s, 422, "{ratings}");
            assert!(
                p["errors"][0]["field"]
                    .as_str()
                    .unwrap()
                    .starts_with("ratings.")
            );
        }
        let (s, _) = problem(
            post("/api/v1/self-assessment")
                .header("authorization", &auth)
                .json(&json!({"ratings": {"1.1": "three"}}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 422);
        let (s, _) = problem(
            c.patch(app.url("/api/v1/me"))
                .header("authorization", &auth)
                .json(&json!({"elder_mode": "huge"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 422);
        let (s, _) = problem(
            c.patch(app.url("/api/v1/me"))
                .header("authorization", &auth)
                .json(&json!({"locale": "fr"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 422);
        let rater = app
            .state
            .store
            .user_by_login("rater")
            .await
            .unwrap()
            .unwrap();
        let events =
            suyang_web::record::statements_of(&app.state, rater.org_id, rater.id, None, None, 100)
                .await
                .unwrap();
        assert_eq!(
            events.len(),
            1,
            "only the registration; no rejected assessment was stored"
        );
    })
    .await;
}

#[tokio::test]
async fn forms_reject_bad_input_with_localized_pages() {
    on_each_backend(async |app| {
        let c = app.client();
        // Missing, forged and expired CSRF tokens.
        let r = c
            .http
            .post(c.url("/signup"))
            .form(&[
                ("login", "x.y.z"),
                ("display_name", "a"),
                ("password", "correct horse"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        assert!(r.text().await.unwrap().contains("表单校验失败"));
        let r = c
            .http
            .post(c.url("/signin"))
            .form(&[("csrf", "123.forged"), ("login", "a"), ("password", "b")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let (_, html) = c.page("/signup").await;
        let visitor = c.cookie("suyang_visitor").expect("visitor cookie");
        let secret = app.state.secret.clone();
        let old = time::OffsetDateTime::now_utc().unix_timestamp() - 5 * 3600;
        let expired = suyang_web::testing::csrf_token(&secret, &format!("v:{visitor}"), old);
        let r = c
            .http
            .post(c.url("/signup"))
            .header("accept-language", "en")
            .form(&[("csrf", expired.as_str()), ("login", "x.y.z")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        assert!(
            r.text().await.unwrap().contains("expired"),
            "expired form explained"
        );
        assert!(csrf_of(&html).contains('.'));

        // Field validation with messages next to the fields.
        let r = c
            .submit(
                "/signup",
                "/signup",
                &[
                    ("login", "ab"),
                    ("display_name", ""),
                    ("password", "short"),
                    ("password_again", "short"),
                ],
            )
            .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        for id in ["login-error", "display_name-error", "password-error"] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id} shown");
        }
        assert!(html.contains("aria-invalid=\"true\""));
        let r = c
            .submit(
                "/signup",
                "/signup",
                &[
                    ("login", "good.name"),
                    ("display_name", "好"),
                    ("password", "correct horse"),
                    ("password_again", "different horse"),
                ],
            )
            .await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("password_again-error"));

        // Duplicate sign-up through the form.
        let other = app.client();
        assert_eq!(
            other.sign_up("taken.name", "correct horse").await.status(),
            303
        );
        let r = c.sign_up("taken.name", "correct horse").await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("已经有人用了"));

        // Wrong password, in the chosen language.
        let r = c
            .submit(
                "/signin",
                "/signin",
                &[("login", "taken.name"), ("password", "not the password")],
            )
            .await;
        assert_eq!(r.status(), 401);
        assert!(r.text().await.unwrap().contains("登录名或密码不对"));

        // Unknown pages, bad preferences, wrong methods, oversized forms.
        let r = c.get("/no/such/page").await;
        assert_eq!(r.status(), 404);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert_eq!(c.get("/lessons/no-such-lesson").await.status(), 404);
        assert_eq!(c.get("/frameworks/not-a-uuid").await.status(), 404);
        let r = c
            .submit("/", "/prefs", &[("lang", "xx"), ("next", "/")])
            .await;
        assert_eq!(r.status(), 400);
        let r = c.http.delete(c.url("/signin")).send().await.unwrap();
        assert_eq!(r.status(), 405);
        let big = "x".repeat(400 * 1024);
        let r = c
            .http
            .post(c.url("/signin"))
            .form(&[("login", big.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 413);
        // Open redirects are refused.
        let r = c
            .submit(
                "/",
                "/prefs",
                &[("lang", "en"), ("next", "//evil.example/")],
            )
            .await;
        assert_eq!(common::location(&r), "/");
    })
    .await;
}

#[tokio::test]
async fn case_import_errors_are_clear_and_store_nothing() {
    on_each_backend(async |app| {
        let c = app.client().http;
        app.state
            .store
            .create_user(
                suyang_store::NewUser {
                    org_id: app.state.default_org,
                    login: "root.admin".into(),
                    display_name: "Admin".into(),
                    password_hash: suyang_web::services::hash_password("correct horse".into()).await.unwrap(),
                    role: suyang_domain::account::Role::PlatformAdmin,
                    locale: None,
                    elder_mode: Default::default(),
                },
                time::OffsetDateTime::now_utc(),
            )
            .await
            .unwrap();
        let t: Value = c.post(app.url("/api/v1/sessions")).json(&json!({"login": "root.admin", "password": "correct horse"})).send().await.unwrap().json().await.unwrap();
        let auth = format!("Bearer {}", t["token"].as_str().unwrap());
        let before = app.state.store.frameworks().await.unwrap().len();
        for body in [
            "not json".to_string(),
            json!({"CFDocument": {"identifier": "x"}}).to_string(),
            json!({"CFDocument": {"identifier": "6c1f4a2e-9b7d-5e08-a3c4-1d2f8e6b7a91", "uri": "u", "creator": "c", "title": "t", "lastChangeDateTime": "yesterday"}}).to_string(),
            json!({"CFDocument": {"identifier": "6c1f4a2e-9b7d-5e08-a3c4-1d2f8e6b7a91", "uri": "u", "creator": "c", "title": "t", "lastChangeDateTime": "2024-01-01T00:00:00Z"}}).to_string(),
        ] {
            let r = c.post(app.url("/api/v1/frameworks")).header("authorization", &auth).header("content-type", "application/json").body(body.clone()).send().await.unwrap();
            let (s, p) = problem(r).await;
            assert_eq!(s, 400, "{body}");
            assert!(!p["detail"].as_str().unwrap_or("").is_empty(), "detail names the problem: {p}");
        }
        assert_eq!(app.state.store.frameworks().await.unwrap().len(), before);
    })
    .await;
}
