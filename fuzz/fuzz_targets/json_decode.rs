//! JSON values (raw state, `DynamicValue.json`) decoded strictly and leniently as each of a few
//! types; the first byte picks the type. Never a panic; decoded values encode again.
#![no_main]

use centralroot::cty::{Type, json};
use libfuzzer_sys::fuzz_target;

fn types() -> [Type; 6] {
    [
        Type::Number,
        Type::Dynamic,
        Type::list(Type::Dynamic),
        Type::map(Type::String),
        Type::Tuple(vec![Type::Number, Type::Dynamic]),
        Type::object([
            ("id", Type::String),
            ("count", Type::Number),
            ("tags", Type::map(Type::String)),
            ("extra", Type::Dynamic),
        ]),
    ]
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let types = types();
    let ty = &types[usize::from(pick) % types.len()];
    if let Ok(value) = json::decode(bytes, ty) {
        let _ = json::encode(&value, ty);
    }
    let _ = json::decode_lenient(bytes, ty);
});
