//! JSON values (raw state, `DynamicValue.json`) decoded strictly and leniently as each of a few
//! types; the first byte picks the type. Never a panic; a value decoded strictly or leniently
//! encodes again to JSON that decodes strictly to the same value.
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
    for value in [json::decode(bytes, ty), json::decode_lenient(bytes, ty)]
        .into_iter()
        .flatten()
    {
        let encoded = match json::encode(&value, ty) {
            Ok(encoded) => encoded,
            Err(err) => panic!("{value:?} decoded as {ty:?} does not encode: {err}"),
        };
        assert_eq!(json::decode(&encoded, ty).ok(), Some(value));
    }
});
