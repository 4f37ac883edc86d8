//! `terraform import` IDs as users type them, for both resources: never a panic, an accepted
//! delegated-admin ID prints back as the same registration, an accepted organization ID is the
//! input itself.
#![no_main]

use centralroot::resources::delegated_admin::RegistrationId;
use centralroot::resources::organization_features::parse_import_id;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(id) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(parsed) = RegistrationId::parse_import(id) {
        let again = RegistrationId::parse_import(&parsed.to_string());
        assert_eq!(again.ok(), Some(parsed));
    }
    if let Ok(organization) = parse_import_id(id) {
        assert_eq!(organization, id);
    }
});
