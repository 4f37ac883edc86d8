//! Byte-exact msgpack vectors (what go-cty writes and reads) and hostile input.

use std::collections::BTreeMap;

use centralroot::cty::{Number, Refinements, Type, Value, msgpack};

fn num(s: &str) -> Value {
    Value::Number(s.parse().unwrap())
}

fn enc(v: &Value, ty: &Type) -> Vec<u8> {
    msgpack::encode(v, ty).unwrap()
}

fn dec(bytes: &[u8], ty: &Type) -> Value {
    msgpack::decode(bytes, ty).unwrap()
}

/// Encodes to exactly `bytes` and decodes back to the same value.
fn golden(v: Value, ty: &Type, bytes: &[u8]) {
    assert_eq!(enc(&v, ty), bytes, "encoding of {v:?}");
    assert!(
        dec(bytes, ty).semantically_equal(&v),
        "decoding of {bytes:02x?}"
    );
}

#[test]
fn primitives() {
    golden(Value::Null, &Type::String, &[0xc0]);
    golden(Value::Null, &Type::Dynamic, &[0xc0]);
    golden(Value::Bool(true), &Type::Bool, &[0xc3]);
    golden(Value::Bool(false), &Type::Bool, &[0xc2]);
    golden(Value::from("hello"), &Type::String, b"\xa5hello");
    golden(Value::from(""), &Type::String, &[0xa0]);
    let s32 = "x".repeat(32);
    let mut want = vec![0xd9, 32];
    want.extend_from_slice(s32.as_bytes());
    golden(Value::from(s32.as_str()), &Type::String, &want);
}

#[test]
fn integers_use_the_smallest_form() {
    let cases: &[(i64, &[u8])] = &[
        (0, &[0x00]),
        (1, &[0x01]),
        (127, &[0x7f]),
        (128, &[0xcc, 0x80]),
        (255, &[0xcc, 0xff]),
        (256, &[0xcd, 0x01, 0x00]),
        (65536, &[0xce, 0x00, 0x01, 0x00, 0x00]),
        (1 << 32, &[0xcf, 0, 0, 0, 1, 0, 0, 0, 0]),
        (-1, &[0xff]),
        (-32, &[0xe0]),
        (-33, &[0xd0, 0xdf]),
        (-129, &[0xd1, 0xff, 0x7f]),
        (-32769, &[0xd2, 0xff, 0xff, 0x7f, 0xff]),
        (
            i64::MAX,
            &[0xcf, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        ),
        (i64::MIN, &[0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0]),
    ];
    for (n, bytes) in cases {
        golden(Value::from(*n), &Type::Number, bytes);
    }
    // An integral 1.0 is still an int.
    golden(num("1.000"), &Type::Number, &[0x01]);
}

#[test]
fn non_int64_numbers_are_float64_when_exact_else_strings() {
    golden(
        num("1.5"),
        &Type::Number,
        &[0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0],
    );
    // 2^63 is not an int64 but is exactly a float64.
    golden(
        num("9223372036854775808"),
        &Type::Number,
        &[0xcb, 0x43, 0xe0, 0, 0, 0, 0, 0, 0],
    );
    // 0.1 has no exact binary form: go-cty sends the decimal string.
    golden(num("0.1"), &Type::Number, b"\xa30.1");
    golden(
        num("18446744073709551615"),
        &Type::Number,
        b"\xb418446744073709551615",
    );
    // 1e400 overflows float64: a string in plain notation, as big.Float.Text('f', -1).
    let big = format!("1{}", "0".repeat(400));
    let mut want = vec![0xda, 0x01, 0x91];
    want.extend_from_slice(big.as_bytes());
    golden(num("1e400"), &Type::Number, &want);
}

#[test]
fn numbers_decode_from_every_width() {
    let five = num("5");
    let encodings: &[&[u8]] = &[
        &[0x05],
        &[0xcc, 0x05],
        &[0xcd, 0x00, 0x05],
        &[0xce, 0, 0, 0, 0x05],
        &[0xcf, 0, 0, 0, 0, 0, 0, 0, 0x05],
        &[0xd0, 0x05],
        &[0xd1, 0x00, 0x05],
        &[0xd2, 0, 0, 0, 0x05],
        &[0xd3, 0, 0, 0, 0, 0, 0, 0, 0x05],
        &[0xca, 0x40, 0xa0, 0, 0],
        &[0xcb, 0x40, 0x14, 0, 0, 0, 0, 0, 0],
        b"\xa15",
        b"\xd9\x035e0",
        b"\xa3+5.",
    ];
    for bytes in encodings {
        assert_eq!(dec(bytes, &Type::Number), five, "{bytes:02x?}");
    }
    assert_eq!(dec(&[0xd0, 0x80], &Type::Number), Value::from(-128));
    assert_eq!(dec(&[0xe0], &Type::Number), Value::from(-32));
    assert_eq!(
        dec(
            &[0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            &Type::Number
        ),
        num("18446744073709551615")
    );
    // f32 0.1 is exactly 0.100000001490116119384765625, and stays exact.
    let f = dec(&[0xca, 0x3d, 0xcc, 0xcc, 0xcd], &Type::Number);
    assert_eq!(f, num("0.100000001490116119384765625"));
    assert_eq!(enc(&f, &Type::Number)[0], 0xcb);
}

#[test]
fn collections_and_structures() {
    let strings = vec![Value::from("a"), Value::from("b")];
    golden(
        Value::List(strings.clone()),
        &Type::list(Type::String),
        b"\x92\xa1a\xa1b",
    );
    golden(
        Value::Set(strings),
        &Type::set(Type::String),
        b"\x92\xa1a\xa1b",
    );
    golden(Value::List(vec![]), &Type::list(Type::String), &[0x90]);
    let map: BTreeMap<String, Value> = [("b".into(), Value::from(2)), ("a".into(), Value::from(1))]
        .into_iter()
        .collect();
    golden(
        Value::Map(map),
        &Type::map(Type::Number),
        b"\x82\xa1a\x01\xa1b\x02",
    );
    golden(
        Value::Tuple(vec![Value::from("a"), Value::from(1)]),
        &Type::Tuple(vec![Type::String, Type::Number]),
        b"\x92\xa1a\x01",
    );
}

#[test]
fn objects_carry_every_attribute_sorted() {
    let ty = Type::object([("name", Type::String), ("arn", Type::String)]);
    let v = Value::Object(
        [
            ("name".into(), Value::from("x")),
            ("arn".into(), Value::Null),
        ]
        .into_iter()
        .collect(),
    );
    golden(v.clone(), &ty, b"\x82\xa3arn\xc0\xa4name\xa1x");
    // An attribute left out of the value is written as nil all the same.
    let partial = Value::Object([("name".into(), Value::from("x"))].into_iter().collect());
    assert_eq!(enc(&partial, &ty), b"\x82\xa3arn\xc0\xa4name\xa1x");
    // Reading is lenient: an absent attribute decodes as null.
    assert_eq!(dec(b"\x81\xa4name\xa1x", &ty), v);
    assert_eq!(
        dec(&[0x80], &ty),
        Value::Object(
            [("name".into(), Value::Null), ("arn".into(), Value::Null)]
                .into_iter()
                .collect()
        )
    );
}

#[test]
fn dynamic_values_carry_their_type() {
    let v = Value::Dynamic(Box::new(Type::String), Box::new(Value::from("x")));
    golden(v, &Type::Dynamic, b"\x92\xc4\x08\"string\"\xa1x");
    let list = Value::Dynamic(
        Box::new(Type::list(Type::Number)),
        Box::new(Value::List(vec![Value::from(1)])),
    );
    golden(
        list,
        &Type::Dynamic,
        b"\x92\xc4\x11[\"list\",\"number\"]\x91\x01",
    );
    // A null or unknown without a type is plain nil / plain unknown.
    golden(Value::unknown(), &Type::Dynamic, &[0xd4, 0, 0]);
    // The type may also arrive as a str.
    assert_eq!(
        dec(b"\x92\xa8\"string\"\xa1x", &Type::Dynamic),
        Value::Dynamic(Box::new(Type::String), Box::new(Value::from("x")))
    );
    // A typed null inside a dynamic place survives.
    golden(
        Value::Dynamic(Box::new(Type::String), Box::new(Value::Null)),
        &Type::Dynamic,
        b"\x92\xc4\x08\"string\"\xc0",
    );
    // Dynamic needs a concrete type to encode.
    assert!(msgpack::encode(&Value::from("x"), &Type::Dynamic).is_err());
}

#[test]
fn unknowns() {
    golden(Value::unknown(), &Type::String, &[0xd4, 0, 0]);
    golden(Value::unknown(), &Type::list(Type::String), &[0xd4, 0, 0]);
    let mut arn = Refinements::not_null();
    arn.string_prefix = Some("arn:".into());
    golden(
        Value::Unknown(arn),
        &Type::String,
        b"\xc7\x09\x0c\x82\x01\xc2\x02\xa4arn:",
    );
    golden(
        Value::Unknown(Refinements::not_null()),
        &Type::Bool,
        b"\xc7\x03\x0c\x81\x01\xc2",
    );
    let bounded = Refinements {
        number_lower: Some((Number::from(0), true)),
        number_upper: Some(("1.5".parse().unwrap(), false)),
        ..Refinements::default()
    };
    golden(
        Value::Unknown(bounded),
        &Type::Number,
        b"\xc7\x11\x0c\x82\x03\x92\x00\xc3\x04\x92\xcb\x3f\xf8\x00\x00\x00\x00\x00\x00\xc2",
    );
    let lengths = Refinements {
        length_lower: Some(1),
        length_upper: Some(300),
        ..Refinements::default()
    };
    golden(
        Value::Unknown(lengths),
        &Type::set(Type::String),
        b"\xc7\x07\x0c\x82\x05\x01\x06\xcd\x01\x2c",
    );
}

#[test]
fn never_an_empty_refinement_map() {
    golden(
        Value::Unknown(Refinements::default()),
        &Type::Number,
        &[0xd4, 0, 0],
    );
    // Refinements are meaningless on a dynamic place and dropped there.
    assert_eq!(
        enc(&Value::Unknown(Refinements::not_null()), &Type::Dynamic),
        [0xd4, 0, 0]
    );
    // Refinements that cannot apply to the type are a bug in the caller.
    let prefix = Refinements {
        string_prefix: Some("x".into()),
        ..Refinements::default()
    };
    assert!(msgpack::encode(&Value::Unknown(prefix), &Type::Number).is_err());
    let lengths = Refinements {
        length_lower: Some(1),
        ..Refinements::default()
    };
    assert!(msgpack::encode(&Value::Unknown(lengths), &Type::String).is_err());
}

#[test]
fn any_short_extension_reads_as_unknown() {
    for bytes in [
        &[0xd4, 0x00, 0x00][..],
        &[0xd4, 0x05, 0xff],
        &[0xd4, 0x0c, 0x00],
        &[0xc7, 0x00, 0x00],
        &[0xc7, 0x00, 0x0c],
        &[0xc7, 0x01, 0x7f, 0x01],
        &[0xc8, 0x00, 0x00, 0x03],
        &[0xc9, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00],
    ] {
        assert_eq!(dec(bytes, &Type::String), Value::unknown(), "{bytes:02x?}");
        assert_eq!(dec(bytes, &Type::Dynamic), Value::unknown(), "{bytes:02x?}");
    }
    // Longer extensions must be type 12.
    assert!(msgpack::decode(&[0xd5, 0x00, 0x00, 0x00], &Type::String).is_err());
}

#[test]
fn refinement_decoding_details() {
    // Unknown keys are skipped; trailing payload bytes ignored; nullness true is kept.
    let v = dec(
        b"\xc7\x0b\x0c\x83\x01\xc3\x09\x92\x01\xa1x\x05\x02\xff",
        &Type::list(Type::String),
    );
    assert_eq!(
        v,
        Value::Unknown(Refinements {
            nullness: Some(true),
            length_lower: Some(2),
            ..Refinements::default()
        })
    );
    // Refinements on an unknown dynamic value are ignored.
    assert_eq!(
        dec(b"\xc7\x03\x0c\x81\x01\xc2", &Type::Dynamic),
        Value::unknown()
    );
    // Refinements that do not fit the type are rejected, like go-cty.
    for (bytes, ty) in [
        (&b"\xc7\x04\x0c\x81\x02\xa1x"[..], Type::Number),
        (b"\xc7\x05\x0c\x81\x03\x92\x00\xc3", Type::String),
        (b"\xc7\x03\x0c\x81\x05\x01", Type::String),
        (b"\xc7\x03\x0c\x81\x01\x01", Type::String),
        (b"\xc7\x03\x0c\x81\xa1x", Type::String),
        (b"\xc7\x03\x0c\x81\x05\xff", Type::list(Type::String)),
        (b"\xc7\x05\x0c\x81\x03\x92\xc0\xc3", Type::Number),
        (b"\xc7\x02\x0c\x90\x00", Type::String),
    ] {
        assert!(msgpack::decode(bytes, &ty).is_err(), "{bytes:02x?}");
    }
    // Oversize refinement payloads are refused.
    let mut huge = vec![0xc8, 0x04, 0x01, 0x0c, 0x81, 0x02, 0xda, 0x03, 0xfc];
    huge.extend(std::iter::repeat_n(b'a', 0x3fc));
    assert_eq!(huge.len(), 4 + 0x401);
    assert!(msgpack::decode(&huge, &Type::String).is_err());
}

#[test]
fn wrong_types_are_errors() {
    let cases: &[(&[u8], Type)] = &[
        (&[0xa1, b'x'], Type::Bool),
        (&[0xc3], Type::Number),
        (&[0xc3], Type::String),
        (b"\xa3abc", Type::Number),
        (&[0x01], Type::list(Type::String)),
        (&[0x90], Type::map(Type::String)),
        (&[0x80], Type::list(Type::String)),
        (&[0x91, 0x01], Type::Tuple(vec![])),
        (&[0x90], Type::Tuple(vec![Type::String])),
        (&[0x81, 0x01, 0x01], Type::map(Type::Number)),
        (b"\x81\xa1z\x01", Type::object([("a", Type::Number)])),
        (&[0x91, 0xc0], Type::Dynamic),
        (b"\x92\xc4\x05\"bad\"\xc0", Type::Dynamic),
        (&[0xa2, 0xff, 0xfe], Type::String),
        (&[0xcb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0], Type::Number),
        (&[0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 1], Type::Number),
        (&[0xc1], Type::String),
        (&[0xc0, 0xc0], Type::String),
        (&[], Type::String),
    ];
    for (bytes, ty) in cases {
        let err = msgpack::decode(bytes, ty).expect_err(&format!("{bytes:02x?} as {ty}"));
        assert!(!err.message.is_empty());
    }
    assert!(msgpack::encode(&Value::from(1), &Type::String).is_err());
    assert!(msgpack::encode(&Value::List(vec![]), &Type::set(Type::String)).is_err());
    assert!(msgpack::encode(&Value::Tuple(vec![]), &Type::Tuple(vec![Type::String])).is_err());
    let extra = Value::Object([("z".into(), Value::Null)].into_iter().collect());
    assert!(msgpack::encode(&extra, &Type::object([("a", Type::String)])).is_err());
}

#[test]
fn errors_name_the_path() {
    let ty = Type::object([("tags", Type::map(Type::list(Type::Number)))]);
    let err = msgpack::decode(b"\x81\xa4tags\x81\xa1k\x92\x01\xc3", &ty).unwrap_err();
    assert_eq!(err.path.to_string(), r#"tags["k"][1]"#);
    assert_eq!(err.to_string(), r#"at tags["k"][1]: number is required"#);
}

#[test]
fn truncated_input_is_an_error_at_every_length() {
    let ty = Type::object([
        ("a", Type::list(Type::String)),
        ("b", Type::Number),
        ("c", Type::Dynamic),
        ("d", Type::String),
    ]);
    let v = Value::Object(
        [
            (
                "a".into(),
                Value::List(vec![Value::from("x"), Value::from("y".repeat(40))]),
            ),
            ("b".into(), num("0.1")),
            (
                "c".into(),
                Value::Dynamic(Box::new(Type::Bool), Box::new(Value::Bool(true))),
            ),
            (
                "d".into(),
                Value::Unknown(Refinements {
                    nullness: Some(false),
                    string_prefix: Some("arn:".into()),
                    ..Refinements::default()
                }),
            ),
        ]
        .into_iter()
        .collect(),
    );
    let bytes = enc(&v, &ty);
    assert_eq!(dec(&bytes, &ty), v);
    for n in 0..bytes.len() {
        assert!(msgpack::decode(&bytes[..n], &ty).is_err(), "prefix {n}");
    }
}

#[test]
fn huge_length_prefixes_fail_without_allocating() {
    let huge_array = [0xdd, 0x80, 0x00, 0x00, 0x00, 0xc0];
    assert!(msgpack::decode(&huge_array, &Type::list(Type::String)).is_err());
    assert!(msgpack::decode(&huge_array, &Type::set(Type::Number)).is_err());
    assert!(msgpack::decode(&[0xdd, 0xff, 0xff, 0xff, 0xff], &Type::list(Type::Bool)).is_err());
    assert!(msgpack::decode(&[0xdf, 0x80, 0, 0, 0], &Type::map(Type::String)).is_err());
    assert!(msgpack::decode(&[0xdb, 0x80, 0, 0, 0, b'x'], &Type::String).is_err());
    assert!(msgpack::decode(&[0xc6, 0x80, 0, 0, 0, b'x'], &Type::String).is_err());
    assert!(msgpack::decode(&[0xc9, 0x80, 0, 0, 0, 0x0c, 0x80], &Type::String).is_err());
    let dynamic_huge_type = [0x92, 0xc6, 0x80, 0, 0, 0, b'"'];
    assert!(msgpack::decode(&dynamic_huge_type, &Type::Dynamic).is_err());
}

#[test]
fn deep_nesting_is_refused() {
    let mut ty = Type::String;
    for _ in 0..100 {
        ty = Type::list(ty);
    }
    let mut bytes = vec![0x91; 100];
    bytes.push(0xa0);
    let err = msgpack::decode(&bytes, &ty).unwrap_err();
    assert!(err.message.contains("deeper"), "{err}");

    // Dynamic values can nest without limit in the type; the decoder still stops.
    let mut nested = Vec::new();
    for _ in 0..200 {
        nested.extend_from_slice(b"\x92\xc4\x09\"dynamic\"");
    }
    nested.push(0xc0);
    assert!(msgpack::decode(&nested, &Type::Dynamic).is_err());

    // Encoding refuses the same depth.
    let mut v = Value::from("");
    for _ in 0..100 {
        v = Value::List(vec![v]);
    }
    assert!(msgpack::encode(&v, &ty).is_err());
}
