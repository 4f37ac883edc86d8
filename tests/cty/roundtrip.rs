//! Property tests: arbitrary types and values survive both encodings, and no input panics.

use std::collections::{BTreeMap, BTreeSet};

use bigdecimal::BigDecimal;
use centralroot::cty::{Number, Refinements, Type, Value, json, msgpack};
use proptest::collection::{btree_map, btree_set, vec};
use proptest::prelude::*;

fn name() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), "[a-z_]{1,6}", "\\PC{1,4}"]
}

fn primitive_type() -> impl Strategy<Value = Type> {
    prop_oneof![
        Just(Type::Bool),
        Just(Type::Number),
        Just(Type::String),
        Just(Type::Dynamic),
    ]
}

fn arb_type() -> impl Strategy<Value = Type> {
    primitive_type().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::set),
            inner.clone().prop_map(Type::map),
            vec(inner.clone(), 0..4).prop_map(Type::Tuple),
            btree_map(name(), inner, 0..4)
                .prop_flat_map(|attributes| {
                    let names: Vec<String> = attributes.keys().cloned().collect();
                    let optional = proptest::sample::subsequence(names.clone(), 0..=names.len());
                    (Just(attributes), optional)
                })
                .prop_map(|(attributes, optional)| Type::Object {
                    attributes,
                    optional: optional.into_iter().collect::<BTreeSet<_>>(),
                }),
        ]
    })
}

fn number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        any::<f64>().prop_filter_map("finite", Number::from_f64),
        any::<f32>().prop_filter_map("finite", |f| Number::from_f64(f64::from(f))),
        (any::<i128>(), -40i64..40).prop_map(|(m, s)| Number(BigDecimal::new(m.into(), s))),
        Just("1e400".parse().unwrap()),
    ]
}

fn refinements(ty: &Type) -> BoxedStrategy<Refinements> {
    let nullness = proptest::option::of(any::<bool>());
    let bound = || proptest::option::of((number(), any::<bool>()));
    match ty {
        Type::Dynamic => Just(Refinements::default()).boxed(),
        Type::String => (nullness, proptest::option::of("\\PC{0,6}"))
            .prop_map(|(nullness, string_prefix)| Refinements {
                nullness,
                string_prefix,
                ..Refinements::default()
            })
            .boxed(),
        Type::Number => (nullness, bound(), bound())
            .prop_map(|(nullness, number_lower, number_upper)| Refinements {
                nullness,
                number_lower,
                number_upper,
                ..Refinements::default()
            })
            .boxed(),
        Type::List(_) | Type::Set(_) | Type::Map(_) => (
            nullness,
            proptest::option::of(any::<u64>()),
            proptest::option::of(any::<u64>()),
        )
            .prop_map(|(nullness, length_lower, length_upper)| Refinements {
                nullness,
                length_lower,
                length_upper,
                ..Refinements::default()
            })
            .boxed(),
        _ => nullness
            .prop_map(|nullness| Refinements {
                nullness,
                ..Refinements::default()
            })
            .boxed(),
    }
}

/// A value conforming to `ty`; unknowns (with refinements valid for the type) only when
/// `unknowns` is set.
fn value(ty: &Type, unknowns: bool) -> BoxedStrategy<Value> {
    let known = known_value(ty, unknowns);
    if unknowns {
        prop_oneof![
            1 => Just(Value::Null),
            1 => refinements(ty).prop_map(Value::Unknown),
            4 => known,
        ]
        .boxed()
    } else {
        prop_oneof![1 => Just(Value::Null), 4 => known].boxed()
    }
}

fn known_value(ty: &Type, unknowns: bool) -> BoxedStrategy<Value> {
    match ty {
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Type::Number => number().prop_map(Value::Number).boxed(),
        Type::String => "\\PC{0,8}".prop_map(Value::String).boxed(),
        Type::List(e) => vec(value(e, unknowns), 0..3).prop_map(Value::List).boxed(),
        Type::Set(e) => vec(value(e, unknowns), 0..3).prop_map(Value::Set).boxed(),
        Type::Map(e) => btree_map(name(), value(e, unknowns), 0..3)
            .prop_map(Value::Map)
            .boxed(),
        Type::Tuple(es) => es
            .iter()
            .map(|e| value(e, unknowns))
            .collect::<Vec<_>>()
            .prop_map(Value::Tuple)
            .boxed(),
        Type::Object { attributes, .. } => attributes
            .iter()
            .map(|(k, t)| (Just(k.clone()), value(t, unknowns)))
            .collect::<Vec<_>>()
            .prop_map(|attrs| Value::Object(attrs.into_iter().collect::<BTreeMap<_, _>>()))
            .boxed(),
        Type::Dynamic => arb_type()
            .prop_flat_map(move |concrete| {
                let inner = value(&concrete, unknowns);
                (Just(concrete), inner)
            })
            .prop_map(|(concrete, inner)| Value::Dynamic(Box::new(concrete), Box::new(inner)))
            .boxed(),
    }
}

fn typed_value(unknowns: bool) -> impl Strategy<Value = (Type, Value)> {
    arb_type().prop_flat_map(move |ty| {
        let v = value(&ty, unknowns);
        (Just(ty), v)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn type_json_round_trips(ty in arb_type()) {
        let bytes = ty.to_json();
        prop_assert_eq!(Type::from_json(&bytes).unwrap(), ty);
    }

    #[test]
    fn msgpack_round_trips_with_unknowns((ty, v) in typed_value(true)) {
        let bytes = msgpack::encode(&v, &ty).unwrap();
        let back = msgpack::decode(&bytes, &ty).unwrap();
        prop_assert!(back.semantically_equal(&v), "{:?}\n!=\n{:?}", back, v);
        // Re-encoding a decoded value is stable.
        prop_assert_eq!(msgpack::encode(&back, &ty).unwrap(), bytes);
    }

    #[test]
    fn json_round_trips_without_unknowns((ty, v) in typed_value(false)) {
        let bytes = json::encode(&v, &ty).unwrap();
        let back = json::decode(&bytes, &ty).unwrap();
        prop_assert!(back.semantically_equal(&v), "{:?}\n!=\n{:?}", back, v);
        prop_assert_eq!(json::encode(&back, &ty).unwrap(), bytes);
    }

    #[test]
    fn msgpack_and_json_agree((ty, v) in typed_value(false)) {
        let via_msgpack = msgpack::decode(&msgpack::encode(&v, &ty).unwrap(), &ty).unwrap();
        let via_json = json::decode(&json::encode(&v, &ty).unwrap(), &ty).unwrap();
        prop_assert!(via_msgpack.semantically_equal(&via_json));
    }

    #[test]
    fn random_bytes_never_panic(ty in arb_type(), bytes in vec(any::<u8>(), 0..64)) {
        let _ = msgpack::decode(&bytes, &ty);
        let _ = json::decode(&bytes, &ty);
        let _ = json::decode_lenient(&bytes, &ty);
        let _ = Type::from_json(&bytes);
    }

    #[test]
    fn mutated_encodings_never_panic(
        (ty, v) in typed_value(true),
        flips in vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = msgpack::encode(&v, &ty).unwrap();
        for (i, b) in flips {
            let i = i.index(bytes.len());
            bytes[i] = b;
        }
        let _ = msgpack::decode(&bytes, &ty);
        let _ = msgpack::decode(&bytes[..cut.index(bytes.len() + 1)], &ty);
    }

    #[test]
    fn set_order_does_not_matter(items in btree_set("\\PC{0,4}", 0..6)) {
        let ty = Type::set(Type::String);
        let forward: Vec<Value> = items.iter().cloned().map(Value::String).collect();
        let backward: Vec<Value> = forward.iter().rev().cloned().collect();
        let decoded = msgpack::decode(
            &msgpack::encode(&Value::Set(backward), &ty).unwrap(),
            &ty,
        ).unwrap();
        prop_assert!(decoded.semantically_equal(&Value::Set(forward)));
    }
}
