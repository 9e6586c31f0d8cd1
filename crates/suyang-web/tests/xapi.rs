//! The learning record store over HTTP: versions, credentials, statements PUT/POST/GET,
//! immutability, atomic batches, voiding, queries with paging and formats.

mod common;

use common::{TestApp, on_each_backend};
use serde_json::{Value, json};

struct Lrs {
    http: reqwest::Client,
    base: String,
    key: String,
    secret: String,
    version: &'static str,
}

impl Lrs {
    async fn new(app: &TestApp, scopes: &[&str]) -> Lrs {
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        let (c, secret) = suyang_web::xapi::create_credential(
            &app.state.store,
            app.state.default_org,
            "test client",
            &scopes,
            time::OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
        Lrs {
            http: reqwest::Client::new(),
            base: app.url("/xapi"),
            key: c.key,
            secret,
            version: "2.0.0",
        }
    }

    fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .basic_auth(&self.key, Some(&self.secret))
            .header("X-Experience-API-Version", self.version)
    }

    async fn post(&self, body: &Value) -> reqwest::Response {
        self.req(reqwest::Method::POST, "/statements")
            .json(body)
            .send()
            .await
            .unwrap()
    }

    async fn get(&self, query: &str) -> reqwest::Response {
        self.req(reqwest::Method::GET, &format!("/statements{query}"))
            .send()
            .await
            .unwrap()
    }
}

fn statement(who: &str, verb: &str, activity: &str) -> Value {
    json!({"actor": {"objectType": "Agent", "mbox": format!("mailto:{who}@example.cn")},
           "verb": {"id": format!("http://adlnet.gov/expapi/verbs/{verb}"), "display": {"zh-CN": "动作", "en-US": verb}},
           "object": {"id": format!("http://example.cn/activities/{activity}"), "definition": {"name": {"zh-CN": "活动", "en-US": "Activity"}}},
           "context": {"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7"}})
}

fn q(v: &Value) -> String {
    url_escape(&v.to_string())
}

fn url_escape(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)])
        .unwrap()
        .trim_start_matches("x=")
        .to_string()
}

#[tokio::test]
async fn versions_and_credentials() {
    on_each_backend(async |app| {
        let c = reqwest::Client::new();
        let pre = c
            .request(reqwest::Method::OPTIONS, app.url("/xapi/statements"))
            .header("origin", "https://content.example.cn")
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, x-experience-api-version, content-type",
            )
            .send()
            .await
            .unwrap();
        assert!(pre.status().is_success(), "CORS preflight answered");
        assert_eq!(pre.headers()["access-control-allow-origin"], "*");
        let about: Value = c
            .get(app.url("/xapi/about"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(about["version"], json!(["2.0.0", "1.0.3"]));
        let r = c.get(app.url("/xapi/statements")).send().await.unwrap();
        assert_eq!(r.status(), 400, "version header required");
        let r = c
            .get(app.url("/xapi/statements"))
            .header("X-Experience-API-Version", "0.95")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        let r = c
            .get(app.url("/xapi/statements"))
            .header("X-Experience-API-Version", "1.0.3")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        assert!(r.headers().contains_key("www-authenticate"));
        assert_eq!(r.headers()["x-experience-api-version"], "1.0.3");
        let r = c
            .get(app.url("/xapi/statements"))
            .basic_auth("nobody", Some("nothing"))
            .header("X-Experience-API-Version", "2.0.0")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        let mut wrong = Lrs::new(app, &["all"]).await;
        wrong.secret.push('x');
        assert_eq!(wrong.get("").await.status(), 401);
        let reader = Lrs::new(app, &["statements/read"]).await;
        assert_eq!(
            reader
                .post(&statement("a", "completed", "x"))
                .await
                .status(),
            403
        );
        assert_eq!(reader.get("").await.status(), 200);
        let writer = Lrs::new(app, &["statements/write"]).await;
        assert_eq!(writer.get("").await.status(), 403);
    })
    .await;
}

#[tokio::test]
async fn statements_are_stored_immutably_and_atomically() {
    on_each_backend(async |app| {
        let lrs = Lrs::new(app, &["all"]).await;
        let r = lrs.post(&statement("wang", "completed", "lesson-1")).await;
        assert_eq!(r.status(), 200);
        let ids: Vec<String> = r.json().await.unwrap();
        let r = lrs.get(&format!("?statementId={}", ids[0])).await;
        assert_eq!(r.status(), 200);
        assert!(r.headers().contains_key("last-modified"));
        let s: Value = r.json().await.unwrap();
        assert_eq!(s["version"], "2.0.0");
        assert_eq!(s["authority"]["account"]["name"], lrs.key.as_str());
        assert!(s["stored"].is_string() && s["timestamp"].is_string());

        let id = uuid::Uuid::new_v4().to_string();
        let put = |body: Value| {
            lrs.req(
                reqwest::Method::PUT,
                &format!("/statements?statementId={id}"),
            )
            .json(&body)
            .send()
        };
        assert_eq!(
            put(statement("li", "attempted", "quiz"))
                .await
                .unwrap()
                .status(),
            204
        );
        assert_eq!(
            put(statement("li", "attempted", "quiz"))
                .await
                .unwrap()
                .status(),
            204,
            "the same statement again is fine"
        );
        assert_eq!(
            put(statement("li", "passed", "quiz"))
                .await
                .unwrap()
                .status(),
            409,
            "statements are immutable"
        );
        let r = lrs
            .req(reqwest::Method::PUT, "/statements")
            .json(&statement("li", "attempted", "quiz"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "PUT needs statementId");

        // One bad statement in a batch: 400 naming it, nothing stored.
        let mut bad = statement("zhao", "completed", "lesson-2");
        bad["verb"]["id"] = json!("completed");
        let r = lrs
            .post(&json!([statement("zhao", "completed", "lesson-3"), bad]))
            .await;
        assert_eq!(r.status(), 400);
        let p: Value = r.json().await.unwrap();
        assert!(
            p["detail"].as_str().unwrap().starts_with("[1].verb.id"),
            "{p}"
        );
        let found: Value = lrs
            .get(&format!(
                "?agent={}",
                q(&json!({"mbox": "mailto:zhao@example.cn"}))
            ))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(found["statements"].as_array().unwrap().len(), 0);
        // Duplicate ids in one batch.
        let mut a = statement("qian", "completed", "x");
        a["id"] = json!(uuid::Uuid::new_v4().to_string());
        assert_eq!(lrs.post(&json!([a.clone(), a])).await.status(), 400);
        // Bodies that are not statements.
        assert_eq!(
            lrs.req(reqwest::Method::POST, "/statements")
                .header("content-type", "application/json")
                .body("{")
                .send()
                .await
                .unwrap()
                .status(),
            400
        );
        assert_eq!(
            lrs.req(reqwest::Method::POST, "/statements")
                .header("content-type", "text/plain")
                .body("hi")
                .send()
                .await
                .unwrap()
                .status(),
            400
        );
        assert_eq!(lrs.post(&json!([])).await.status(), 400);
        assert_eq!(lrs.post(&json!("text")).await.status(), 400);
    })
    .await;
}

#[tokio::test]
async fn voiding() {
    on_each_backend(async |app| {
        let lrs = Lrs::new(app, &["all"]).await;
        let ids: Vec<String> = lrs.post(&statement("wang", "completed", "lesson-1")).await.json().await.unwrap();
        let void = json!({"actor": {"mbox": "mailto:teacher@example.cn"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
                          "object": {"objectType": "StatementRef", "id": ids[0]}});
        let r = lrs.post(&void).await;
        assert_eq!(r.status(), 200);
        let void_id: Vec<String> = r.json().await.unwrap();
        assert_eq!(lrs.get(&format!("?statementId={}", ids[0])).await.status(), 404);
        assert_eq!(lrs.get(&format!("?voidedStatementId={}", ids[0])).await.status(), 200);
        assert_eq!(lrs.get(&format!("?voidedStatementId={}", void_id[0])).await.status(), 404);
        let again = json!({"actor": {"mbox": "mailto:teacher@example.cn"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
                           "object": {"objectType": "StatementRef", "id": void_id[0]}});
        assert_eq!(lrs.post(&again).await.status(), 400, "a voiding statement cannot be voided");
        let all: Value = lrs.get("").await.json().await.unwrap();
        assert_eq!(all["statements"].as_array().unwrap().len(), 1, "only the voiding statement is listed");
    })
    .await;
}

#[tokio::test]
async fn queries_page_and_format() {
    on_each_backend(async |app| {
        let mut lrs = Lrs::new(app, &["all"]).await;
        let mut batch = Vec::new();
        for i in 0..7 {
            batch.push(statement(
                if i % 2 == 0 { "even" } else { "odd" },
                if i < 4 { "completed" } else { "attempted" },
                &format!("lesson-{i}"),
            ));
        }
        assert_eq!(lrs.post(&Value::Array(batch)).await.status(), 200);
        let r = lrs
            .get(&format!(
                "?agent={}&verb={}",
                q(&json!({"mbox": "mailto:even@example.cn"})),
                url_escape("http://adlnet.gov/expapi/verbs/completed")
            ))
            .await;
        assert!(
            r.headers()
                .contains_key("x-experience-api-consistent-through")
        );
        let page: Value = r.json().await.unwrap();
        assert_eq!(page["statements"].as_array().unwrap().len(), 2);
        let page: Value = lrs
            .get(&format!(
                "?activity={}",
                url_escape("http://example.cn/activities/lesson-5")
            ))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["statements"].as_array().unwrap().len(), 1);
        let page: Value = lrs
            .get("?registration=ec531277-b57b-4c15-8d91-d292c5b2b8f7&ascending=true&limit=3")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["statements"].as_array().unwrap().len(), 3);
        assert_eq!(
            page["statements"][0]["object"]["id"],
            "http://example.cn/activities/lesson-0"
        );
        // Follow `more` to the end.
        let mut seen = page["statements"].as_array().unwrap().len();
        let mut more = page["more"].as_str().unwrap().to_string();
        while !more.is_empty() {
            let next: Value = lrs
                .req(reqwest::Method::GET, more.trim_start_matches("/xapi"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            seen += next["statements"].as_array().unwrap().len();
            more = next["more"].as_str().unwrap().to_string();
        }
        assert_eq!(seen, 7);
        let ids: Value = lrs.get("?format=ids&limit=1").await.json().await.unwrap();
        assert_eq!(ids["statements"][0]["verb"].as_object().unwrap().len(), 1);
        let canonical: Value = lrs
            .req(reqwest::Method::GET, "/statements?format=canonical&limit=1")
            .header("accept-language", "zh-CN")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            canonical["statements"][0]["verb"]["display"],
            json!({"zh-CN": "动作"})
        );
        for bad in [
            "?colour=blue",
            "?limit=-1",
            "?format=full",
            "?since=yesterday",
            "?agent=notjson",
            "?verb=completed",
            "?statementId=1",
            "?statementId=fd41c918-b88b-4b20-a0a5-a4c32391aaa0&verb=http://x",
        ] {
            assert_eq!(lrs.get(bad).await.status(), 400, "{bad}");
        }
        // xAPI 1.0.3 clients get 1.0.3 rules and answers.
        lrs.version = "1.0.3";
        let mut s = statement("old", "completed", "x");
        s["context"]["contextAgents"] =
            json!([{"objectType": "contextAgent", "agent": {"mbox": "mailto:v@e.cn"}}]);
        assert_eq!(lrs.post(&s).await.status(), 400);
        let r = lrs.post(&statement("old", "completed", "x")).await;
        assert_eq!(r.headers()["x-experience-api-version"], "1.0.3");
        let id: Vec<String> = r.json().await.unwrap();
        let stored: Value = lrs
            .get(&format!("?statementId={}", id[0]))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(stored["version"], "1.0.0");
    })
    .await;
}

#[tokio::test]
async fn read_mine_sees_only_its_own() {
    on_each_backend(async |app| {
        let writer = Lrs::new(app, &["all"]).await;
        let mine = Lrs::new(app, &["statements/write", "statements/read/mine"]).await;
        let theirs: Vec<String> = writer
            .post(&statement("a", "completed", "x"))
            .await
            .json()
            .await
            .unwrap();
        let own: Vec<String> = mine
            .post(&statement("b", "completed", "y"))
            .await
            .json()
            .await
            .unwrap();
        let page: Value = mine.get("").await.json().await.unwrap();
        let ids: Vec<&str> = page["statements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, vec![own[0].as_str()]);
        assert_eq!(
            mine.get(&format!("?statementId={}", theirs[0]))
                .await
                .status(),
            404
        );
    })
    .await;
}

#[tokio::test]
async fn documents_with_concurrency_and_merge() {
    on_each_backend(async |app| {
        let lrs = Lrs::new(app, &["all"]).await;
        let agent = url_escape(&json!({"mbox": "mailto:wang@example.cn"}).to_string());
        let state = format!("/activities/state?activityId={}&agent={agent}&stateId=progress", url_escape("http://example.cn/lessons/1"));
        let put = |body: Value, headers: &[(&str, &str)]| {
            let mut r = lrs.req(reqwest::Method::PUT, &state).json(&body);
            for (k, v) in headers {
                r = r.header(*k, *v);
            }
            r.send()
        };
        assert_eq!(put(json!({"page": 1}), &[]).await.unwrap().status(), 204);
        let r = lrs.req(reqwest::Method::GET, &state).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let etag = r.headers()["etag"].to_str().unwrap().to_string();
        assert!(etag.starts_with('"') && etag.ends_with('"'));
        assert!(r.headers().contains_key("last-modified"));
        assert_eq!(r.json::<Value>().await.unwrap(), json!({"page": 1}));
        assert_eq!(put(json!({"page": 2}), &[]).await.unwrap().status(), 409, "2.0: PUT over an existing document needs If-Match");
        assert_eq!(put(json!({"page": 2}), &[("If-Match", "\"stale\"")]).await.unwrap().status(), 412);
        assert_eq!(put(json!({"page": 2}), &[("If-None-Match", "*")]).await.unwrap().status(), 412);
        assert_eq!(put(json!({"page": 2}), &[("If-Match", etag.as_str())]).await.unwrap().status(), 204);
        // POST merges JSON objects.
        let r = lrs.req(reqwest::Method::POST, &state).json(&json!({"score": 8})).send().await.unwrap();
        assert_eq!(r.status(), 204);
        let doc: Value = lrs.req(reqwest::Method::GET, &state).send().await.unwrap().json().await.unwrap();
        assert_eq!(doc, json!({"page": 2, "score": 8}));
        let r = lrs.req(reqwest::Method::POST, &state).header("content-type", "application/json").body("[1]").send().await.unwrap();
        assert_eq!(r.status(), 400, "only objects merge");
        // Listing and deleting.
        let list = format!("/activities/state?activityId={}&agent={agent}", url_escape("http://example.cn/lessons/1"));
        let ids: Value = lrs.req(reqwest::Method::GET, &list).send().await.unwrap().json().await.unwrap();
        assert_eq!(ids, json!(["progress"]));
        assert_eq!(lrs.req(reqwest::Method::DELETE, &list).send().await.unwrap().status(), 204);
        assert_eq!(lrs.req(reqwest::Method::GET, &state).send().await.unwrap().status(), 404);
        // Bad parameters.
        for bad in ["/activities/state?agent=x&activityId=http://x", "/activities/state?activityId=http://x", "/activities/profile", "/agents/profile?agent=%7B%7D", "/activities/state?activityId=http://x&agent=%7B%22mbox%22%3A%22mailto%3Aa%40b.c%22%7D&registration=1"] {
            assert_eq!(lrs.req(reqwest::Method::GET, bad).send().await.unwrap().status(), 400, "{bad}");
        }
        // Activity and agent profiles; raw (non-JSON) documents are kept byte for byte.
        let profile = format!("/activities/profile?activityId={}&profileId=notes", url_escape("http://example.cn/lessons/1"));
        let r = lrs.req(reqwest::Method::PUT, &profile).header("content-type", "text/plain").body("第一课").send().await.unwrap();
        assert_eq!(r.status(), 204);
        let r = lrs.req(reqwest::Method::GET, &profile).send().await.unwrap();
        assert_eq!(r.headers()["content-type"], "text/plain");
        assert_eq!(r.text().await.unwrap(), "第一课");
        let agent_profile = format!("/agents/profile?agent={agent}&profileId=prefs");
        assert_eq!(lrs.req(reqwest::Method::POST, &agent_profile).json(&json!({"elder": true})).send().await.unwrap().status(), 204);
        let person: Value = lrs.req(reqwest::Method::GET, &format!("/agents?agent={agent}")).send().await.unwrap().json().await.unwrap();
        assert_eq!(person["objectType"], "Person");
        assert_eq!(person["mbox"], json!(["mailto:wang@example.cn"]));
        // xAPI 1.0.3 profile resources want If-Match or If-None-Match even for a new document.
        let mut old = Lrs::new(app, &["all"]).await;
        old.version = "1.0.3";
        let fresh = format!("/activities/profile?activityId={}&profileId=new", url_escape("http://example.cn/lessons/1"));
        assert_eq!(old.req(reqwest::Method::PUT, &fresh).json(&json!({})).send().await.unwrap().status(), 400);
        assert_eq!(old.req(reqwest::Method::PUT, &fresh).header("If-None-Match", "*").json(&json!({})).send().await.unwrap().status(), 204);
    })
    .await;
}

#[tokio::test]
async fn activities_keep_every_definition_they_were_given() {
    on_each_backend(async |app| {
        let lrs = Lrs::new(app, &["all"]).await;
        let mut a = statement("a", "completed", "meeting");
        a["object"]["definition"] = json!({"name": {"en-US": "meeting"}});
        let mut b = statement("b", "completed", "meeting");
        b["object"]["definition"] = json!({"name": {"zh-CN": "会议"}, "type": "http://adlnet.gov/expapi/activities/meeting"});
        assert_eq!(lrs.post(&json!([a, b])).await.status(), 200);
        let activity: Value = lrs.req(reqwest::Method::GET, &format!("/activities?activityId={}", url_escape("http://example.cn/activities/meeting"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(activity["definition"]["name"], json!({"en-US": "meeting", "zh-CN": "会议"}));
        assert_eq!(activity["definition"]["type"], "http://adlnet.gov/expapi/activities/meeting");
        let unknown: Value = lrs.req(reqwest::Method::GET, "/activities?activityId=http%3A%2F%2Fexample.cn%2Fnever").send().await.unwrap().json().await.unwrap();
        assert_eq!(unknown, json!({"objectType": "Activity", "id": "http://example.cn/never"}));
    })
    .await;
}

#[tokio::test]
async fn alternate_request_syntax() {
    on_each_backend(async |app| {
        let mut lrs = Lrs::new(app, &["all"]).await;
        let r = lrs
            .req(reqwest::Method::POST, "/statements?method=GET")
            .form(&[("limit", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "xAPI 2.0 has no alternate syntax");
        lrs.version = "1.0.3";
        let id = uuid::Uuid::new_v4().to_string();
        let content = statement("alt", "completed", "x").to_string();
        let r = lrs
            .req(reqwest::Method::POST, "/statements?method=PUT")
            .form(&[("statementId", id.as_str()), ("content", content.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
        let r = lrs
            .req(reqwest::Method::POST, "/statements?method=GET")
            .form(&[("statementId", id.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.unwrap()["id"], id.as_str());
        let r = lrs
            .req(
                reqwest::Method::POST,
                &format!("/statements?method=PUT&statementId={id}"),
            )
            .form(&[("content", content.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "only method may be in the query");
        let r = lrs
            .req(reqwest::Method::POST, "/statements?method=PUT")
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "the body must be a form");
        let r = lrs
            .req(reqwest::Method::POST, "/statements?method=PATCH")
            .form(&[("content", "{}")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
    })
    .await;
}

#[tokio::test]
async fn attachments_travel_in_multipart_and_come_back() {
    use sha2::Digest;
    on_each_backend(async |app| {
        let lrs = Lrs::new(app, &["all"]).await;
        let content = "志愿者签到表".as_bytes();
        let sha2: String = sha2::Sha256::digest(content).iter().map(|b| format!("{b:02x}")).collect();
        let mut s = statement("vol", "attended", "session-1");
        s["attachments"] = json!([{"usageType": "http://example.cn/attachments/sign-in-sheet", "display": {"zh-CN": "签到表"},
                                   "contentType": "text/plain", "length": content.len(), "sha2": sha2}]);
        let multipart = |parts: &[(&str, &[u8], Option<&str>)]| {
            let mut body = Vec::new();
            for (ct, bytes, hash) in parts {
                body.extend_from_slice(format!("--b0undary\r\nContent-Type: {ct}\r\n").as_bytes());
                if let Some(h) = hash {
                    body.extend_from_slice(format!("Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {h}\r\n").as_bytes());
                }
                body.extend_from_slice(b"\r\n");
                body.extend_from_slice(bytes);
                body.extend_from_slice(b"\r\n");
            }
            body.extend_from_slice(b"--b0undary--\r\n");
            body
        };
        let send = |body: Vec<u8>, ct: &str| lrs.req(reqwest::Method::POST, "/statements").header("content-type", ct).body(body).send();
        let json_part = s.to_string();
        let ok = multipart(&[("application/json", json_part.as_bytes(), None), ("text/plain", content, Some(&sha2))]);
        let r = send(ok.clone(), "multipart/mixed; boundary=b0undary").await.unwrap();
        assert_eq!(r.status(), 200);
        let ids: Vec<String> = r.json().await.unwrap();
        // Content missing, content unreferenced, wrong hash, no boundary: all refused.
        let missing = multipart(&[("application/json", json_part.as_bytes(), None)]);
        assert_eq!(send(missing, "multipart/mixed; boundary=b0undary").await.unwrap().status(), 400);
        let mut plain = statement("vol", "attended", "session-2");
        plain["id"] = json!(uuid::Uuid::new_v4().to_string());
        let extra = multipart(&[("application/json", plain.to_string().as_bytes(), None), ("text/plain", content, Some(&sha2))]);
        assert_eq!(send(extra, "multipart/mixed; boundary=b0undary").await.unwrap().status(), 400);
        let wrong = multipart(&[("application/json", json_part.as_bytes(), None), ("text/plain", b"tampered", Some(&sha2))]);
        assert_eq!(send(wrong, "multipart/mixed; boundary=b0undary").await.unwrap().status(), 400);
        assert_eq!(send(ok, "multipart/mixed").await.unwrap().status(), 400);
        // application/json with an attachment that has no fileUrl: nothing carries its content.
        assert_eq!(lrs.post(&s).await.status(), 400);
        // Asked with attachments=true, the content comes back as a multipart part.
        let r = lrs.get(&format!("?statementId={}&attachments=true", ids[0])).await;
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("multipart/mixed; boundary="));
        let body = r.bytes().await.unwrap();
        assert!(body.windows(content.len()).any(|w| w == content));
    })
    .await;
}

#[tokio::test]
async fn credentials_are_rate_limited() {
    let app = TestApp::start_with("sqlite", |c| c.lrs_rate_per_second = 5).await;
    let lrs = Lrs::new(&app, &["all"]).await;
    let mut statuses = Vec::new();
    for _ in 0..15 {
        statuses.push(lrs.get("?limit=1").await.status().as_u16());
    }
    assert!(
        statuses.iter().take(10).all(|s| *s == 200),
        "a burst of twice the rate is fine: {statuses:?}"
    );
    assert!(
        statuses.contains(&429),
        "then the credential is slowed down: {statuses:?}"
    );
    let other = Lrs::new(&app, &["all"]).await;
    assert_eq!(
        other.get("?limit=1").await.status(),
        200,
        "limits are per credential"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_deployment_may_answer_unversioned_requests_in_1_0_3() {
    let app = TestApp::start_with("sqlite", |c| {
        c.lrs_default_version = suyang_xapi::Version::V1_0_3;
    })
    .await;
    let c = reqwest::Client::new();
    let about = c.get(app.url("/xapi/about")).send().await.unwrap();
    assert_eq!(about.headers()["x-experience-api-version"], "1.0.3");
    let missing = c.get(app.url("/xapi/statements")).send().await.unwrap();
    assert_eq!(missing.status(), 400);
    assert_eq!(missing.headers()["x-experience-api-version"], "1.0.3");
    // A request that names its version is answered in it, whatever the default.
    let lrs = Lrs::new(&app, &["all"]).await;
    let r = lrs.get("?limit=1").await;
    assert_eq!(r.headers()["x-experience-api-version"], "2.0.0");
    app.stop().await;
}

/// A statement signed with the key of `tests/data`'s certificate (RS256, the certificate in the
/// JWS header's x5c), and the same signature presented with another party's certificate.
#[tokio::test]
async fn signed_statements_verify_against_their_certificate() {
    use sha2::Digest;
    const STATEMENT: &str = include_str!("data/signed-statement.json");
    const JWS: &str = include_str!("data/signed-statement.jws");
    const WRONG_CERT: &str = include_str!("data/signed-statement-wrong-cert.jws");
    on_each_backend(async |app| {
        let lrs = Lrs::new(app, &["all"]).await;
        let post = |jws: &str, tamper: bool| {
            let sha2: String = sha2::Sha256::digest(jws.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let mut s: Value = serde_json::from_str(STATEMENT).unwrap();
            if tamper {
                s["result"]["score"]["scaled"] = json!(1.0);
            }
            s["attachments"] = json!([{"usageType": "http://adlnet.gov/expapi/attachments/signature",
                "display": {"en-US": "signature"}, "contentType": "application/octet-stream",
                "length": jws.len(), "sha2": sha2}]);
            let mut body = Vec::new();
            body.extend_from_slice(b"--sig\r\nContent-Type: application/json\r\n\r\n");
            body.extend_from_slice(s.to_string().as_bytes());
            body.extend_from_slice(format!("\r\n--sig\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n").as_bytes());
            body.extend_from_slice(jws.as_bytes());
            body.extend_from_slice(b"\r\n--sig--\r\n");
            lrs.req(reqwest::Method::POST, "/statements")
                .header("content-type", "multipart/mixed; boundary=sig")
                .body(body)
                .send()
        };
        let wrong = post(WRONG_CERT, false).await.unwrap();
        assert_eq!(wrong.status(), 400);
        let detail = wrong.text().await.unwrap();
        assert!(detail.contains("does not verify with the x5c certificate"), "{detail}");
        assert_eq!(post(JWS, true).await.unwrap().status(), 400, "the payload must be the statement");
        assert_eq!(post(JWS, false).await.unwrap().status(), 200);
    })
    .await;
}
