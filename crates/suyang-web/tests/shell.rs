//! The multilingual, accessible shell; the CASE provider; operations endpoints.

mod common;

use common::on_each_backend;
use serde_json::Value;

#[tokio::test]
async fn language_follows_the_browser_then_the_switch() {
    on_each_backend(async |app| {
        let c = app.client();
        let r = c
            .http
            .get(c.url("/"))
            .header("accept-language", "en-US,en;q=0.9")
            .send()
            .await
            .unwrap();
        let html = r.text().await.unwrap();
        assert!(html.contains("<html lang=\"en\" dir=\"ltr\""));
        let r = c
            .http
            .get(c.url("/"))
            .header("accept-language", "ug,zh;q=0.5")
            .send()
            .await
            .unwrap();
        let html = r.text().await.unwrap();
        assert!(html.contains("<html lang=\"ug\" dir=\"rtl\""));
        assert!(!html.contains('\u{2068}'), "no isolation marks");
        let (_, html) = c.page("/").await;
        assert!(
            html.contains("<html lang=\"zh-CN\" dir=\"ltr\""),
            "default zh-CN"
        );

        let r = c
            .submit("/", "/prefs", &[("lang", "ug"), ("next", "/framework")])
            .await;
        assert_eq!(common::location(&r), "/framework");
        let r = c
            .http
            .get(c.url("/framework"))
            .header("accept-language", "en")
            .send()
            .await
            .unwrap();
        assert!(
            r.text().await.unwrap().contains("lang=\"ug\" dir=\"rtl\""),
            "the switch beats the browser and sticks"
        );

        let r = c
            .submit("/", "/prefs", &[("elder", "on"), ("next", "/")])
            .await;
        assert_eq!(r.status(), 303);
        let (_, html) = c.page("/").await;
        assert!(html.contains("class=\"elder\""));
        assert!(html.contains("aria-pressed=\"true\""));
    })
    .await;
}

#[tokio::test]
async fn every_page_is_served_in_every_language() {
    on_each_backend(async |app| {
        let c = app.client();
        c.sign_up("page.visitor", "correct horse").await;
        for lang in ["zh-CN", "en", "ug"] {
            for path in [
                "/",
                "/framework",
                "/assessment",
                "/me",
                "/me/settings",
                "/me/record",
                "/accessibility",
                "/privacy",
                "/lessons/stop-telecom-fraud",
            ] {
                let r = c
                    .get(&format!(
                        "{path}{}lang={lang}",
                        if path.contains('?') { '&' } else { '?' }
                    ))
                    .await;
                assert_eq!(r.status(), 200, "{path} in {lang}");
                let html = r.text().await.unwrap();
                assert!(
                    html.contains(&format!("<html lang=\"{lang}\"")),
                    "{path} in {lang}"
                );
                assert!(
                    !html.contains("error-") && !html.contains("nav-home"),
                    "no untranslated message ids on {path} in {lang}"
                );
            }
        }
    })
    .await;
}

#[tokio::test]
async fn case_provider_serves_the_framework() {
    on_each_backend(async |app| {
        let c = app.client().http;
        let docs: Value = c
            .get(app.url("/ims/case/v1p1/CFDocuments"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let doc = &docs["CFDocuments"][0];
        assert_eq!(doc["caseVersion"], "1.1");
        assert_eq!(doc["title"], "全民数字素养与技能框架");
        let id = doc["identifier"].as_str().unwrap();
        let pkg: Value = c
            .get(app.url(&format!("/ims/case/v1p1/CFPackages/{id}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let items = pkg["CFPackage"]["CFItems"].as_array().unwrap();
        assert_eq!(items.len(), 91);
        // The exported package re-imports to the same framework.
        let bytes = serde_json::to_vec(&pkg).unwrap();
        let back = suyang_domain::case::import(&bytes).unwrap();
        assert_eq!(&back, app.state.catalog().primary_framework().unwrap());
        let item_id = items[10]["identifier"].as_str().unwrap();
        let item: Value = c
            .get(app.url(&format!("/ims/case/v1p1/CFItems/{item_id}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(item["CFItem"]["CFDocumentURI"]["identifier"], id);
        let assoc_id = pkg["CFPackage"]["CFAssociations"][0]["identifier"]
            .as_str()
            .unwrap();
        let r = c
            .get(app.url(&format!("/ims/case/v1p1/CFAssociations/{assoc_id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let r = c
            .get(app.url(&format!("/ims/case/v1p1/CFItemAssociations/{item_id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let r = c
            .get(app.url("/ims/case/v1p1/CFItems/00000000-0000-0000-0000-000000000000"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        assert_eq!(
            r.json::<Value>().await.unwrap()["imsx_codeMajor"],
            "failure"
        );
        assert_eq!(
            c.get(app.url("/ims/case/v1p1/CFPackages/nope"))
                .send()
                .await
                .unwrap()
                .status(),
            400
        );
    })
    .await;
}

#[tokio::test]
async fn operations_endpoints() {
    on_each_backend(async |app| {
        let c = app.client().http;
        assert_eq!(
            c.get(app.url("/healthz"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
            "ok"
        );
        assert_eq!(
            c.get(app.url("/readyz")).send().await.unwrap().status(),
            200
        );
        let r = c.get(app.url("/static/site.css")).send().await.unwrap();
        assert!(
            r.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        let r = app.client().http.get(app.url("/")).send().await.unwrap();
        let csp = r.headers()["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'"));
        let set_cookie = r.headers()["set-cookie"].to_str().unwrap();
        assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"));
        let spec: Value = c
            .get(app.url("/api/v1/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    })
    .await;
}
