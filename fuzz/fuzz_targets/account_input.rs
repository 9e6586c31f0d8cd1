//! Everything a person types at sign-up, and the Accept-Language header: never a panic, and a
//! login that parses is stable under parsing again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use suyang_domain::account::{DisplayName, Login, check_password};
use suyang_domain::lang::Locale;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(login) = Login::parse(s) {
        assert_eq!(Login::parse(login.as_str()).as_ref(), Ok(&login));
    }
    let _ = DisplayName::parse(s);
    let _ = check_password(s);
    let _ = Locale::negotiate(s);
});
