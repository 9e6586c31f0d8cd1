//! Statements come from any client: parsing, validating, preparing and comparing one must never
//! panic, and a statement that validates must prepare.
#![no_main]

use libfuzzer_sys::fuzz_target;
use suyang_xapi::Version;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    for version in [Version::V1_0_3, Version::V2_0_0] {
        if suyang_xapi::validate_statement(&value, version).is_ok() {
            let authority = serde_json::json!({"mbox": "mailto:lrs@fuzz.invalid"});
            let prepared = suyang_xapi::statement::prepare(value.clone(), None, &authority, time::OffsetDateTime::UNIX_EPOCH, version);
            let prepared = prepared.expect("a valid statement prepares");
            assert!(suyang_xapi::statement::same_statement(&prepared.body, &value));
        }
    }
    if let Some(b) = suyang_xapi::multipart::boundary("multipart/mixed; boundary=xyz") {
        let _ = suyang_xapi::multipart::parse(&b, data);
    }
    let _ = suyang_xapi::signature::check(&value, data);
});
