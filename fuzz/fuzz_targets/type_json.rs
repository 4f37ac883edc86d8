//! cty type JSON (schema attribute types, the type half of dynamic values): never a panic, and a
//! parsed type writes back to JSON that parses to the same type.
#![no_main]

use centralroot::cty::Type;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(ty) = Type::from_json(data) {
        let again = Type::from_json(&ty.to_json());
        assert_eq!(again.ok(), Some(ty));
    }
});
