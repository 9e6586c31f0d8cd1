//! The learner's first path end to end, through the HTML pages as a browser without JavaScript
//! would drive them, and through the JSON API.

mod common;

use common::{csrf_of, location, on_each_backend, ratings};
use serde_json::{Value, json};

#[tokio::test]
async fn web_path_sign_up_assess_profile_lesson_complete() {
    on_each_backend(async |app| {
        let c = app.client();
        let r = c.sign_up("wang.ayi", "correct horse").await;
        assert_eq!(r.status(), 303, "sign-up redirects");
        assert_eq!(location(&r), "/assessment");
        assert!(c.cookie("suyang_session").is_some());

        let (status, html) = c.page("/assessment").await;
        assert_eq!(status, 200);
        assert!(html.contains("我自己能做到"), "rating scale in zh-CN");
        let token = csrf_of(&html);
        let mut form = ratings(app, 3, "6.3");
        form.push(("csrf".into(), token));
        let r = c
            .http
            .post(c.url("/assessment"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/me");

        let (status, me) = c.page("/me").await;
        assert_eq!(status, 200);
        assert!(me.contains("<svg role=\"img\""), "profile chart");
        assert!(me.contains("<table>"), "profile table");
        assert!(me.contains("防范电信网络诈骗"), "weakest competence named");
        let slug_start = me
            .find("href=\"/lessons/")
            .expect("recommended lesson link")
            + "href=\"/lessons/".len();
        let slug = me[slug_start..].split('"').next().unwrap().to_string();
        assert!(
            slug.contains("fraud"),
            "the fraud lesson is recommended, got {slug}"
        );

        let (status, lesson) = c.page(&format!("/lessons/{slug}")).await;
        assert_eq!(status, 200);
        assert!(lesson.contains("96110"));
        let r = c
            .submit(
                &format!("/lessons/{slug}"),
                &format!("/lessons/{slug}/complete"),
                &[],
            )
            .await;
        assert_eq!(r.status(), 303);
        let (_, me) = c.page("/me?done=lesson").await;
        assert!(me.contains("已学完的课程"));

        // The learning record page lists the steps in the learner's language, and filters them.
        let (status, record) = c.page("/me/record").await;
        assert_eq!(status, 200);
        assert!(record.contains("注册") && record.contains("完成") && record.contains("学习"));
        let (_, only_completed) = c.page("/me/record?verb=completed").await;
        assert!(!only_completed.contains("<td>注册</td>"));
        let xapi: Value = c.get("/me/record.json").await.json().await.unwrap();
        assert!(
            xapi.as_array()
                .unwrap()
                .iter()
                .all(|s| s["actor"]["account"]["name"].is_string() && s["authority"].is_object())
        );
        // Every step is a learning event in the personal data export.
        let export: Value = c.get("/me/export").await.json().await.unwrap();
        let verbs: Vec<&str> = export["learning_record"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["verb"]["id"].as_str().unwrap())
            .collect();
        for v in ["registered", "completed", "experienced"] {
            assert!(
                verbs.iter().any(|x| x.ends_with(v)),
                "event {v} recorded: {verbs:?}"
            );
        }
        assert_eq!(
            verbs.iter().filter(|x| x.ends_with("completed")).count(),
            2,
            "assessment and lesson completed"
        );
    })
    .await;
}

#[tokio::test]
async fn incomplete_assessment_is_explained_and_keeps_answers() {
    on_each_backend(async |app| {
        let c = app.client();
        c.sign_up("li.shifu", "correct horse").await;
        let (_, html) = c.page("/assessment").await;
        let token = csrf_of(&html);
        let mut form = ratings(app, 2, "");
        form.retain(|(k, _)| k != "r-4.2");
        form.push(("r-5.1".into(), "9".into()));
        form.push(("csrf".into(), token));
        let r = c
            .http
            .post(c.url("/assessment"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("href=\"#r-4.2\""),
            "missing competence linked"
        );
        assert!(
            html.contains("href=\"#r-5.1\""),
            "out-of-range competence linked"
        );
        assert!(html.contains("value=\"2\" checked"), "answers kept");
    })
    .await;
}

#[tokio::test]
async fn api_path_and_personal_data_rights() {
    on_each_backend(async |app| {
        let c = app.client().http;
        let r = c.post(app.url("/api/v1/users")).json(&json!({"login": "13800138000", "display_name": "张三", "password": "correct horse"})).send().await.unwrap();
        assert_eq!(r.status(), 201);
        let r = c.post(app.url("/api/v1/sessions")).json(&json!({"login": "+86 138 0013 8000", "password": "correct horse"})).send().await.unwrap();
        assert_eq!(r.status(), 201);
        let token = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string();
        let auth = format!("Bearer {token}");

        let q: Value = c.get(app.url("/api/v1/self-assessment")).header("accept-language", "en").send().await.unwrap().json().await.unwrap();
        let codes: Vec<String> = q["questions"].as_array().unwrap().iter().map(|x| x["code"].as_str().unwrap().to_string()).collect();
        assert_eq!(codes.len(), 21);
        assert_eq!(q["scale"][0]["label"], "I can't do this yet");
        let mut ratings = serde_json::Map::new();
        for code in &codes {
            ratings.insert(code.clone(), json!(if code == "2.2" { 1 } else { 4 }));
        }
        let r = c.post(app.url("/api/v1/self-assessment")).header("authorization", &auth).header("accept-language", "en").json(&json!({"ratings": ratings})).send().await.unwrap();
        assert_eq!(r.status(), 201);
        let profile: Value = r.json().await.unwrap();
        assert_eq!(profile["recommendation"]["competence"], "2.2");
        assert_eq!(profile["recommendation"]["target_level"], "basic");
        assert!(profile["recommendation"]["reason"].as_str().unwrap().contains("everyday digital services") || profile["recommendation"]["reason"].as_str().unwrap().contains("services"));
        let slug = profile["recommendation"]["lesson"]["slug"].as_str().unwrap().to_string();

        let again: Value = c.get(app.url("/api/v1/me/profile")).header("authorization", &auth).send().await.unwrap().json().await.unwrap();
        assert_eq!(again["areas"].as_array().unwrap().len(), 7);

        let r = c.post(app.url(&format!("/api/v1/lessons/{slug}/completion"))).header("authorization", &auth).send().await.unwrap();
        assert_eq!(r.status(), 204);
        let after: Value = c.get(app.url("/api/v1/me/profile")).header("authorization", &auth).send().await.unwrap().json().await.unwrap();
        assert_ne!(after["recommendation"]["lesson"]["slug"], slug.as_str(), "completed lessons are not suggested again");

        // Statistics only with consent; withdrawal deletes.
        let r = c.put(app.url("/api/v1/me/statistics")).header("authorization", &auth).json(&json!({"consent": false, "region": "330100"})).send().await.unwrap();
        assert_eq!(r.status(), 422);
        let r = c.put(app.url("/api/v1/me/statistics")).header("authorization", &auth).json(&json!({"consent": true, "region": "330100", "age_band": "60-69", "group": "elder"})).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let r = c.put(app.url("/api/v1/me/statistics")).header("authorization", &auth).json(&json!({"consent": true, "region": "999999"})).send().await.unwrap();
        assert_eq!(r.status(), 422);
        let export: Value = c.get(app.url("/api/v1/me/export")).header("authorization", &auth).send().await.unwrap().json().await.unwrap();
        assert_eq!(export["statistics_consent"]["region"], "330100");
        assert_eq!(export["account"]["login"], "13800138000");
        assert!(export["learning_record"].as_array().unwrap().len() >= 3);
        let r = c.delete(app.url("/api/v1/me/statistics")).header("authorization", &auth).send().await.unwrap();
        assert_eq!(r.status(), 204);
        let s: Value = c.get(app.url("/api/v1/me/statistics")).header("authorization", &auth).send().await.unwrap().json().await.unwrap();
        assert_eq!(s["consent"], false);

        // Deleting the account needs the password, then everything is gone.
        let r = c.delete(app.url("/api/v1/me")).header("authorization", &auth).json(&json!({"password": "wrong password"})).send().await.unwrap();
        assert_eq!(r.status(), 422);
        let r = c.delete(app.url("/api/v1/me")).header("authorization", &auth).json(&json!({"password": "correct horse"})).send().await.unwrap();
        assert_eq!(r.status(), 204);
        let r = c.get(app.url("/api/v1/me")).header("authorization", &auth).send().await.unwrap();
        assert_eq!(r.status(), 401);
        let gone = app.state.store.user_by_login("13800138000").await.unwrap();
        assert!(gone.is_none());
    })
    .await;
}

#[tokio::test]
async fn settings_change_password_and_delete_through_forms() {
    on_each_backend(async |app| {
        let c = app.client();
        c.sign_up("zhao.laoshi", "correct horse").await;
        let r = c
            .submit(
                "/me/settings",
                "/me/settings",
                &[
                    ("display_name", "赵老师"),
                    ("locale", "en"),
                    ("elder_mode", "large"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let (_, html) = c.page("/me/settings").await;
        assert!(
            html.contains("lang=\"en\""),
            "language saved in the profile"
        );
        assert!(
            html.contains("class=\"elder elder-large\""),
            "elder mode saved"
        );
        let r = c
            .submit("/me/settings", "/me/settings", &[("display_name", "   ")])
            .await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("Please enter a name"));

        let r = c
            .submit(
                "/me/settings",
                "/me/password",
                &[
                    ("current_password", "wrong one!"),
                    ("new_password", "new password 1"),
                ],
            )
            .await;
        assert_eq!(r.status(), 422);
        let r = c
            .submit(
                "/me/settings",
                "/me/password",
                &[
                    ("current_password", "correct horse"),
                    ("new_password", "new password 1"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);

        let r = c
            .submit(
                "/me/settings",
                "/me/statistics",
                &[
                    ("region", "110000"),
                    ("age_band", "70-plus"),
                    ("group", "elder"),
                ],
            )
            .await;
        assert_eq!(r.status(), 422, "no consent box ticked");
        let r = c
            .submit(
                "/me/settings",
                "/me/statistics",
                &[
                    ("consent", "yes"),
                    ("region", "110000"),
                    ("age_band", "70-plus"),
                    ("group", "elder"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let (_, html) = c.page("/me/settings").await;
        assert!(html.contains("value=\"110000\" selected"));

        let r = c
            .submit(
                "/me/settings",
                "/me/delete",
                &[("password", "new password 1")],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert!(
            app.state
                .store
                .user_by_login("zhao.laoshi")
                .await
                .unwrap()
                .is_none()
        );
        let r = c.get("/me").await;
        assert_eq!(r.status(), 303, "signed out after deletion");
    })
    .await;
}
