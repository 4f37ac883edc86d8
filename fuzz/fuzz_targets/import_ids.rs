//! `terraform import` IDs as users type them: never a panic, and an accepted ID prints back as
//! the same registration.
#![no_main]

use centralroot::resources::delegated_admin::RegistrationId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(id) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(parsed) = RegistrationId::parse_import(id) {
        let again = RegistrationId::parse_import(&parsed.to_string());
        assert_eq!(again.ok(), Some(parsed));
    }
});
