//! The OpenAPI document is generated from the handlers; this snapshot makes every change to the
//! public API visible in review.

#[test]
fn openapi_document_matches_snapshot() {
    let spec = serde_json::to_value(suyang_web::api::openapi::spec()).unwrap();
    insta::assert_json_snapshot!("openapi", spec);
}
