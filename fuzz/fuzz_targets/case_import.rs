//! CASE packages come from other institutions: parsing and checking one must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(framework) = suyang_domain::case::import(data) {
        // Whatever is accepted is a valid framework that exports and re-imports to itself.
        let uris = suyang_domain::case::CaseUris::new("http://fuzz.invalid");
        let pkg = suyang_domain::case::package(&framework, &uris, time::OffsetDateTime::UNIX_EPOCH);
        let bytes = serde_json::to_vec(&pkg).expect("serialisable");
        assert_eq!(suyang_domain::case::import(&bytes).expect("re-imports"), framework);
    }
});
