//! The cty JSON encoding: exact output, go-cty's conversions, lenient state decoding.

use centralroot::cty::{Type, Value, json};

fn text(v: &Value, ty: &Type) -> String {
    String::from_utf8(json::encode(v, ty).unwrap()).unwrap()
}

fn dec(s: &str, ty: &Type) -> Value {
    json::decode(s.as_bytes(), ty).unwrap()
}

fn num(s: &str) -> Value {
    Value::Number(s.parse().unwrap())
}

fn state_type() -> Type {
    Type::object([
        ("id", Type::String),
        ("count", Type::Number),
        ("enabled", Type::Bool),
        ("tags", Type::map(Type::String)),
        ("features", Type::set(Type::String)),
        ("pair", Type::Tuple(vec![Type::String, Type::Number])),
        ("extra", Type::Dynamic),
    ])
}

#[test]
fn objects_with_every_attribute_sorted() {
    let ty = state_type();
    let v = dec(
        r#"{"id":"r-1","count":1.50,"enabled":true,"tags":{"b":"2","a":"1"},
            "features":["x"],"pair":["p",2],"extra":{"value":["a"],"type":["list","string"]}}"#,
        &ty,
    );
    assert_eq!(
        text(&v, &ty),
        r#"{"count":1.5,"enabled":true,"extra":{"value":["a"],"type":["list","string"]},"features":["x"],"id":"r-1","pair":["p",2],"tags":{"a":"1","b":"2"}}"#
    );
    let sparse = dec(r#"{"id":"r-1"}"#, &ty);
    assert_eq!(sparse.get_attr("count"), Some(&Value::Null));
    assert_eq!(
        text(&sparse, &ty),
        r#"{"count":null,"enabled":null,"extra":null,"features":null,"id":"r-1","pair":null,"tags":null}"#
    );
}

#[test]
fn numbers_keep_arbitrary_precision() {
    let long = "0.1000000000000000000000000000000000001";
    assert_eq!(dec(long, &Type::Number), num(long));
    assert_eq!(text(&num(long), &Type::Number), long);
    assert_eq!(
        text(&num("123456789012345678901234567890"), &Type::Number),
        "123456789012345678901234567890"
    );
    // Exponents are written out in plain notation, as go-cty does.
    assert_eq!(text(&num("1e3"), &Type::Number), "1000");
    assert_eq!(dec("1e400", &Type::Number), num("1e400"));
    assert_eq!(text(&num("-2.50"), &Type::Number), "-2.5");
}

#[test]
fn primitive_conversions_like_go_cty() {
    assert_eq!(dec(r#""12.5""#, &Type::Number), num("12.5"));
    assert_eq!(dec(r#""true""#, &Type::Bool), Value::Bool(true));
    assert_eq!(dec(r#""false""#, &Type::Bool), Value::Bool(false));
    assert_eq!(dec("12", &Type::String), Value::from("12"));
    assert_eq!(dec("true", &Type::String), Value::from("true"));
    for (bad, ty) in [
        (r#""yes""#, Type::Bool),
        (r#""x""#, Type::Number),
        ("[]", Type::String),
        ("{}", Type::list(Type::String)),
        ("[1]", Type::Tuple(vec![])),
        ("[]", Type::map(Type::String)),
        (r#"{"value":"x"}"#, Type::Dynamic),
        (r#"{"value":"x","type":"string","z":1}"#, Type::Dynamic),
        (r#"{"value":"x","type":"strin"}"#, Type::Dynamic),
        ("nul", Type::String),
        ("\"a\" \"b\"", Type::String),
    ] {
        assert!(json::decode(bad.as_bytes(), &ty).is_err(), "{bad} as {ty}");
    }
}

#[test]
fn dynamic_values_wrap_value_and_type() {
    let v = Value::Dynamic(Box::new(Type::String), Box::new(Value::from("x")));
    assert_eq!(text(&v, &Type::Dynamic), r#"{"value":"x","type":"string"}"#);
    assert_eq!(dec(r#"{"type":"string","value":"x"}"#, &Type::Dynamic), v);
    assert_eq!(dec("null", &Type::Dynamic), Value::Null);
    let typed_null = Value::Dynamic(Box::new(Type::Number), Box::new(Value::Null));
    assert_eq!(
        text(&typed_null, &Type::Dynamic),
        r#"{"value":null,"type":"number"}"#
    );
    assert_eq!(
        dec(r#"{"value":null,"type":"number"}"#, &Type::Dynamic),
        typed_null
    );
}

#[test]
fn unknowns_cannot_be_json() {
    let ty = Type::object([("a", Type::String)]);
    let v = Value::Object([("a".into(), Value::unknown())].into_iter().collect());
    let err = json::encode(&v, &ty).unwrap_err();
    assert_eq!(err.path.to_string(), "a");
    assert!(json::encode(&Value::unknown(), &Type::Dynamic).is_err());
}

#[test]
fn lenient_decoding_ignores_removed_attributes() {
    let ty = Type::object([("inner", Type::list(Type::object([("kept", Type::String)])))]);
    let raw = br#"{"inner":[{"kept":"k","removed":1}],"gone":true}"#;
    let err = json::decode(raw, &ty).unwrap_err();
    assert_eq!(err.path.to_string(), "inner[0]");
    let v = json::decode_lenient(raw, &ty).unwrap();
    assert_eq!(
        String::from_utf8(json::encode(&v, &ty).unwrap()).unwrap(),
        r#"{"inner":[{"kept":"k"}]}"#
    );
}

#[test]
fn strings_are_escaped() {
    let s = "quote \" backslash \\ newline \n tab \t unicode é \u{1}";
    let out = text(&Value::from(s), &Type::String);
    assert_eq!(
        out,
        r#""quote \" backslash \\ newline \n tab \t unicode é \u0001""#
    );
    assert_eq!(dec(&out, &Type::String), Value::from(s));
}

#[test]
fn hostile_json_is_an_error() {
    let deep = "[".repeat(100_000);
    assert!(json::decode(deep.as_bytes(), &Type::list(Type::String)).is_err());
    let mut ty = Type::String;
    for _ in 0..100 {
        ty = Type::list(ty);
    }
    let nested = format!("{}\"x\"{}", "[".repeat(100), "]".repeat(100));
    assert!(json::decode(nested.as_bytes(), &ty).is_err());
    let huge_number = "9".repeat(5000);
    assert!(json::decode(huge_number.as_bytes(), &Type::Number).is_err());
    assert!(json::decode(b"1e99999999999", &Type::Number).is_err());
    assert!(json::decode(b"\xff", &Type::String).is_err());
}
