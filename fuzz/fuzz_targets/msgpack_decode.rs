//! msgpack `DynamicValue` bytes decoded as each of a few schema-shaped types; the first byte
//! picks the type so the fuzzer can steer. Decoding must never panic, and whatever decodes must
//! encode again to bytes that decode to the same value.
#![no_main]

use centralroot::cty::{Type, msgpack};
use libfuzzer_sys::fuzz_target;

fn types() -> [Type; 8] {
    [
        Type::String,
        Type::Number,
        Type::Dynamic,
        Type::list(Type::String),
        Type::set(Type::Number),
        Type::map(Type::Dynamic),
        Type::Tuple(vec![Type::Bool, Type::String]),
        Type::object([
            ("account_id", Type::String),
            ("features", Type::set(Type::String)),
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
    if let Ok(value) = msgpack::decode(bytes, ty) {
        let encoded = match msgpack::encode(&value, ty) {
            Ok(encoded) => encoded,
            Err(err) => panic!("{value:?} decoded as {ty:?} does not encode: {err}"),
        };
        assert_eq!(msgpack::decode(&encoded, ty).ok(), Some(value));
    }
});
