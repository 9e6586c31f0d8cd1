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

#[tokio::test]
async fn lessons_are_described_for_search_engines_and_aggregators() {
    on_each_backend(async |app| {
        let c = app.client();
        let (status, html) = c.page("/lessons/stop-telecom-fraud").await;
        assert_eq!(status, 200);
        let start = html
            .find("<script type=\"application/ld+json\">")
            .expect("JSON-LD in the page")
            + "<script type=\"application/ld+json\">".len();
        let end = start + html[start..].find("</script>").unwrap();
        let ld: Value = serde_json::from_str(&html[start..end]).unwrap();
        assert_eq!(ld["@type"], "LearningResource");
        assert_eq!(
            ld["license"],
            "https://creativecommons.org/licenses/by/4.0/"
        );
        assert_eq!(ld["teaches"]["termCode"], "6.3");
        assert!(
            ld["url"]
                .as_str()
                .unwrap()
                .ends_with("/lessons/stop-telecom-fraud")
        );
        assert!(ld["timeRequired"].as_str().unwrap().starts_with("PT"));
        let languages = ld["inLanguage"].as_array().unwrap();
        assert!(languages.iter().any(|l| l == "zh-CN") && languages.iter().any(|l| l == "en"));

        let r = c.http.get(c.url("/sitemap.xml")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/xml")
        );
        let sitemap = r.text().await.unwrap();
        for lesson in suyang_domain::content::builtin_lessons().unwrap() {
            assert!(
                sitemap.contains(&format!("/lessons/{}</loc>", lesson.slug)),
                "{}",
                lesson.slug
            );
        }
        assert!(
            !sitemap.contains("/me<"),
            "people's own pages are not listed"
        );
        let robots = c
            .http
            .get(c.url("/robots.txt"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(robots.contains("Disallow: /me") && robots.contains("/sitemap.xml"));
        // The open catalogue is readable through the API without an account.
        let r = reqwest::get(app.url("/api/v1/lessons")).await.unwrap();
        assert_eq!(r.status(), 200);
        let lessons: Vec<Value> = r.json().await.unwrap();
        let builtin = suyang_domain::content::builtin_lessons().unwrap();
        assert_eq!(lessons.len(), builtin.len());
        assert!(
            lessons
                .iter()
                .all(|l| l["licence"] == "CC-BY-4.0" && l["body"]["zh-CN"].is_string())
        );
    })
    .await;
}
