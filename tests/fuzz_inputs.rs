//! Hostile input against everything that parses bytes from outside the process: the msgpack and
//! JSON value decoders, the type JSON parser, the resources' import-id parsers, and the
//! conversions of every timestamp an AWS answer carries. Nothing may panic (the release build
//! aborts on one), and nothing may allocate much: a length prefix of 2 GiB in a 6-byte message must not
//! make the decoder reserve 2 GiB. Whatever decodes must round-trip: encode again and decode to
//! the same value, the properties the fuzz targets assert.
//!
//! Allocation is measured by a counting global allocator, per thread (the decoders are
//! synchronous, and the test harness runs tests on several threads at once). The longer
//! coverage-guided runs are the cargo-fuzz targets in `fuzz/`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_sts::operation::assume_root::AssumeRootOutput;
use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use centralroot::aws::{RootCredentials, TaskPolicy, timestamp};
use centralroot::cty::{Type, Value, json, msgpack};
use centralroot::resources::delegated_admin::RegistrationId;
use centralroot::resources::organization_features::parse_import_id;
use proptest::collection::vec;
use proptest::prelude::*;

/// Peak memory one decode of hostile input may hold at once.
const ALLOCATION_LIMIT: usize = 16 << 20;

struct Counting;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

fn on_alloc(size: usize) {
    // try_with: thread-local storage may already be gone while a thread exits.
    let _ = LIVE.try_with(|live| {
        let now = live.get().saturating_add(size);
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

fn on_free(size: usize) {
    let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(size)));
}

// SAFETY: every call is forwarded to the system allocator unchanged; the bookkeeping only
// touches const-initialised thread-locals, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        on_alloc(layout.size());
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        on_alloc(layout.size());
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        on_free(layout.size());
        // SAFETY: `ptr` came from this allocator with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        on_free(layout.size());
        on_alloc(new_size);
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns its result with the peak of bytes allocated on this thread meanwhile
/// (above what was live before).
fn peak_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(base));
    let result = f();
    let peak = PEAK.with(Cell::get);
    (result, peak - base)
}

/// The types a hostile message might be decoded as.
fn target_types() -> Vec<Type> {
    vec![
        Type::String,
        Type::Number,
        Type::Bool,
        Type::Dynamic,
        Type::list(Type::String),
        Type::set(Type::Number),
        Type::map(Type::Bool),
        Type::list(Type::Dynamic),
        Type::Tuple(vec![Type::String, Type::Number]),
        Type::object([
            ("account_id", Type::String),
            ("tags", Type::map(Type::String)),
        ]),
    ]
}

/// Every msgpack header that carries a length, with `len` (as far as the form can hold it) and
/// no payload behind it beyond a byte or two.
fn huge_headers(len: u32) -> Vec<Vec<u8>> {
    let l16 = u16::try_from(len).unwrap_or(u16::MAX).to_be_bytes();
    let l32 = len.to_be_bytes();
    let l8 = u8::try_from(len).unwrap_or(u8::MAX);
    let mut headers = Vec::new();
    // str 8/16/32, bin 8/16/32, array 16/32, map 16/32.
    for (marker, length) in [
        (0xd9, vec![l8]),
        (0xda, l16.to_vec()),
        (0xdb, l32.to_vec()),
        (0xc4, vec![l8]),
        (0xc5, l16.to_vec()),
        (0xc6, l32.to_vec()),
        (0xdc, l16.to_vec()),
        (0xdd, l32.to_vec()),
        (0xde, l16.to_vec()),
        (0xdf, l32.to_vec()),
    ] {
        let mut header = vec![marker];
        header.extend(length);
        headers.push(header);
    }
    // ext 8/16/32 with the unknown (0) and refined-unknown (12) extension types.
    for ext_type in [0u8, 12] {
        for (marker, length) in [(0xc7, vec![l8]), (0xc8, l16.to_vec()), (0xc9, l32.to_vec())] {
            let mut header = vec![marker];
            header.extend(length);
            header.push(ext_type);
            headers.push(header);
        }
    }
    headers
}

/// `header` alone, with a little payload, and inside the places a value can nest: an array, a
/// map value, a dynamic value's type and value, and a refinement map.
fn placements(header: &[u8]) -> Vec<Vec<u8>> {
    let with = |prefix: &[u8], suffix: &[u8]| [prefix, header, suffix].concat();
    vec![
        with(&[], &[]),
        with(&[], b"xy"),
        with(&[0x91], &[0xc0]),
        with(&[0x81, 0xa1, b'k'], &[]),
        with(&[0x81, 0xaa], b"account_id"),
        with(&[0x92], &[0xc0]),
        with(&[0x92, 0xc4, 0x08], b"\"string\""),
        // Refined unknown whose refinement map holds the header as the string prefix.
        with(&[0xc7, 0x10, 0x0c, 0x81, 0x02], &[]),
    ]
}

#[test]
fn huge_msgpack_length_prefixes_fail_small() {
    let mut checked = 0;
    for len in [u32::from(u16::MAX), 1 << 31, u32::MAX] {
        for header in huge_headers(len) {
            for bytes in placements(&header) {
                for ty in target_types() {
                    let (decoded, peak) = peak_allocation(|| msgpack::decode(&bytes, &ty));
                    assert!(
                        decoded.is_err(),
                        "{bytes:02x?} as {ty:?} decoded to {decoded:?}"
                    );
                    assert!(
                        peak < ALLOCATION_LIMIT,
                        "{bytes:02x?} as {ty:?} allocated {peak} bytes"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} cases");
}

#[test]
fn the_allocation_counter_sees_allocations() {
    // Guards the guard: a decoder that did reserve the length would be caught.
    let (buffer, peak) = peak_allocation(|| Vec::<u8>::with_capacity(ALLOCATION_LIMIT));
    assert!(peak >= ALLOCATION_LIMIT, "peak {peak}");
    drop(buffer);
    // A legitimately large value is decoded (and counted).
    let big = "x".repeat(1 << 20);
    let bytes = msgpack::encode(&Value::from(big.as_str()), &Type::String).unwrap();
    let (decoded, peak) = peak_allocation(|| msgpack::decode(&bytes, &Type::String));
    assert_eq!(decoded.unwrap(), Value::from(big.as_str()));
    assert!(peak >= 1 << 20, "peak {peak}");
}

#[test]
fn hostile_numbers_fail_small() {
    let long_digits = format!("1{}", "0".repeat(100_000));
    let texts = [
        "1e999999",
        "1e-999999",
        "9e2147483647",
        "1e99999999999999999999",
        long_digits.as_str(),
        "NaN",
        "Infinity",
        "0x10",
    ];
    for text in texts {
        // As a JSON number, a JSON string, and a msgpack string.
        let as_json_string = serde_json::to_vec(text).unwrap();
        let mut as_msgpack = Vec::new();
        rmp::encode::write_str(&mut as_msgpack, text).unwrap();
        for (codec, bytes) in [
            ("json", text.as_bytes().to_vec()),
            ("json string", as_json_string),
            ("msgpack", as_msgpack),
        ] {
            let (decoded, peak) = peak_allocation(|| match codec {
                "msgpack" => msgpack::decode(&bytes, &Type::Number),
                _ => json::decode(&bytes, &Type::Number),
            });
            let shown: String = text.chars().take(24).collect();
            assert!(decoded.is_err(), "{codec} {shown} decoded to {decoded:?}");
            // The input itself may be long; nothing beyond a few copies of it.
            assert!(
                peak < ALLOCATION_LIMIT,
                "{codec} {shown} allocated {peak} bytes"
            );
        }
    }
}

#[test]
fn zero_with_a_huge_exponent_is_zero() {
    let (decoded, peak) = peak_allocation(|| json::decode(b"-0.0000e-999999", &Type::Number));
    assert_eq!(decoded.unwrap(), Value::Number("0".parse().unwrap()));
    assert!(peak < ALLOCATION_LIMIT, "allocated {peak} bytes");
}

#[test]
fn deep_nesting_fails_without_overflowing_the_stack() {
    let depth = 100_000;
    let json_text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let type_text = format!(
        "{}\"string\"{}",
        "[\"list\",".repeat(depth),
        "]".repeat(depth)
    );
    let mut msgpack_bytes = vec![0x91; depth];
    msgpack_bytes.push(0xc0);
    for ty in [Type::Dynamic, Type::list(Type::Dynamic)] {
        assert!(json::decode(json_text.as_bytes(), &ty).is_err());
        assert!(json::decode_lenient(json_text.as_bytes(), &ty).is_err());
        assert!(msgpack::decode(&msgpack_bytes, &ty).is_err());
    }
    assert!(Type::from_json(type_text.as_bytes()).is_err());
    // A dynamic value's JSON wrapper naming a deeply nested type.
    let wrapped = format!("{{\"value\":null,\"type\":{type_text}}}");
    assert!(json::decode(wrapped.as_bytes(), &Type::Dynamic).is_err());
}

/// The property the `msgpack_decode` fuzz target asserts: bytes that decode as `ty` encode
/// again, and that encoding decodes to the same value.
fn msgpack_round_trip(bytes: &[u8], ty: &Type) -> Result<bool, String> {
    let Ok(value) = msgpack::decode(bytes, ty) else {
        return Ok(false);
    };
    let encoded = msgpack::encode(&value, ty).map_err(|err| {
        format!("{bytes:02x?} decoded to {value:?}, which does not encode: {err}")
    })?;
    match msgpack::decode(&encoded, ty) {
        Ok(again) if again == value => Ok(true),
        again => Err(format!(
            "{bytes:02x?} decoded to {value:?}, encoded as {encoded:02x?}, decoded again to {again:?}"
        )),
    }
}

/// The property the `json_decode` fuzz target asserts: text that decodes as `ty`, strictly or
/// leniently, encodes again, and that encoding decodes strictly to the same value.
fn json_round_trip(bytes: &[u8], ty: &Type) -> Result<bool, String> {
    let shown = String::from_utf8_lossy(bytes);
    let mut decoded = false;
    for value in [json::decode(bytes, ty), json::decode_lenient(bytes, ty)]
        .into_iter()
        .flatten()
    {
        let encoded = json::encode(&value, ty)
            .map_err(|err| format!("{shown} decoded to {value:?}, which does not encode: {err}"))?;
        match json::decode(&encoded, ty) {
            Ok(again) if again == value => decoded = true,
            again => {
                return Err(format!(
                    "{shown} decoded to {value:?}, encoded as {}, decoded again to {again:?}",
                    String::from_utf8_lossy(&encoded)
                ));
            }
        }
    }
    Ok(decoded)
}

/// The property the `type_json` fuzz target asserts: a parsed type writes JSON that parses to
/// the same type.
fn type_json_round_trip(bytes: &[u8]) -> Result<bool, String> {
    let Ok(ty) = Type::from_json(bytes) else {
        return Ok(false);
    };
    match Type::from_json(&ty.to_json()) {
        Ok(again) if again == ty => Ok(true),
        again => Err(format!(
            "{} parsed to {ty:?}, written back as {}, parsed again to {again:?}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&ty.to_json())
        )),
    }
}

/// Every concatenation of up to `max` of `tokens`.
fn sequences(tokens: &[&[u8]], max: usize) -> Vec<Vec<u8>> {
    let mut all = vec![Vec::new()];
    let mut last = vec![Vec::new()];
    for _ in 0..max {
        last = last
            .iter()
            .flat_map(|prefix| tokens.iter().map(move |token| [prefix, *token].concat()))
            .collect();
        all.extend(last.iter().cloned());
    }
    all
}

#[test]
fn decoded_msgpack_round_trips() {
    let tokens: &[&[u8]] = &[
        &[0xc0],
        &[0xc3],
        &[0x07],
        &[0xd0, 0x85],
        &[0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0],
        &[0xa2, b'4', b'2'],
        &[0xa4, b't', b'r', b'u', b'e'],
        &[0x90],
        &[0x92],
        &[0x81],
        &[
            0xaa, b'a', b'c', b'c', b'o', b'u', b'n', b't', b'_', b'i', b'd',
        ],
        &[0xa4, b't', b'a', b'g', b's'],
        &[0xd4, 0, 0],
        &[0xc7, 3, 12, 0x81, 1, 0xc2],
        &[0xc4, 8, b'"', b's', b't', b'r', b'i', b'n', b'g', b'"'],
    ];
    let mut round_tripped = 0;
    for bytes in sequences(tokens, 4) {
        for ty in target_types() {
            if msgpack_round_trip(&bytes, &ty).unwrap_or_else(|problem| panic!("{problem}")) {
                round_tripped += 1;
            }
        }
    }
    assert!(round_tripped > 200, "only {round_tripped} inputs decoded");
}

/// JSON documents made of the names and scalars the target types use, so that many decode.
fn json_document() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value as J;
    let leaf = prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::Bool),
        "-?(0|[1-9][0-9]{0,2})(\\.[0-9]{1,3})?"
            .prop_map(|text| J::Number(text.parse().expect("a JSON number"))),
        prop::sample::select(vec!["12", "true", "string", "a"])
            .prop_map(|text| J::String(text.to_owned())),
        Just(serde_json::json!(["list", "string"])),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..3).prop_map(J::Array),
            prop::collection::btree_map(
                prop::sample::select(vec!["account_id", "tags", "value", "type", "a"]),
                inner,
                0..3,
            )
            .prop_map(|map| J::Object(map.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

#[test]
fn decoded_json_round_trips() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(4096));
    let decoded = Cell::new(0);
    runner
        .run(&(json_document(), any_type()), |(document, ty)| {
            let bytes = document.to_string().into_bytes();
            if json_round_trip(&bytes, &ty).map_err(TestCaseError::fail)? {
                decoded.set(decoded.get() + 1);
            }
            if type_json_round_trip(&bytes).map_err(TestCaseError::fail)? {
                decoded.set(decoded.get() + 1);
            }
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
    // About one in six decodes; far fewer means the generator no longer exercises the codec.
    assert!(
        decoded.get() > 200,
        "only {} documents decoded",
        decoded.get()
    );
}

fn any_type() -> impl Strategy<Value = Type> {
    prop::sample::select(target_types())
}

/// A header from [`huge_headers`] with an arbitrary 32-bit length.
fn arbitrary_header() -> impl Strategy<Value = Vec<u8>> {
    (any::<u32>(), any::<prop::sample::Index>()).prop_map(|(len, pick)| {
        let headers = huge_headers(len);
        headers[pick.index(headers.len())].clone()
    })
}

#[test]
fn import_ids_of_delegated_admins() {
    let long = "1".repeat(1 << 20);
    for (id, ok) in [
        ("123456789012", true),
        ("123456789012/iam.amazonaws.com", true),
        ("123456789012/", false),
        ("/iam.amazonaws.com", false),
        ("123456789012/iam.amazonaws.com/x", false),
        (" 123456789012", false),
        ("１２３４５６７８９０１２", false),
        ("123456789012/\u{0}", false),
        (long.as_str(), false),
    ] {
        let (parsed, peak) = peak_allocation(|| RegistrationId::parse_import(id));
        let shown: String = id.chars().take(40).collect();
        assert_eq!(parsed.is_ok(), ok, "{shown:?}: {parsed:?}");
        // The error quotes the offending part: bounded by the input, never more.
        assert!(peak <= 4 * id.len() + 4096, "{shown:?} allocated {peak}");
    }
}

#[test]
fn import_ids_of_organization_features() {
    let long = format!("o-{}", "a".repeat(1 << 20));
    for (id, ok) in [
        ("o-aa111bb222", true),
        ("o-abcdefghij0123456789abcdefghij01", true),
        ("o-abcdefghij0123456789abcdefghij012", false),
        ("o-aa111bb22", false),
        ("o-AA111BB222", false),
        ("O-aa111bb222", false),
        ("o-aa111bb222 ", false),
        ("o-ａａ111bb222", false),
        ("", false),
        (long.as_str(), false),
    ] {
        let (parsed, peak) = peak_allocation(|| parse_import_id(id).map(str::to_owned));
        let shown: String = id.chars().take(40).collect();
        assert_eq!(parsed.is_ok(), ok, "{shown:?}: {parsed:?}");
        assert!(peak <= 4 * id.len() + 4096, "{shown:?} allocated {peak}");
    }
}

/// An AssumeRoot answer whose credentials expire at `expiration`.
fn assume_root_answer(expiration: DateTime) -> AssumeRootOutput {
    let credentials = aws_sdk_sts::types::Credentials::builder()
        .access_key_id("ASIAEXAMPLE")
        .secret_access_key("secret")
        .session_token("token")
        .expiration(expiration)
        .build()
        .expect("every field set");
    AssumeRootOutput::builder().credentials(credentials).build()
}

/// Every conversion of an AWS timestamp, on `t`: each one succeeds exactly when RFC 3339 can
/// write `t` (years 1 to 9999), and those that succeed agree with each other.
fn aws_timestamp_conversions(t: DateTime) -> Result<(), String> {
    let text = timestamp::to_rfc3339(&t);
    let system = timestamp::to_system_time(&t);
    if text.is_ok() != system.is_ok() {
        return Err(format!("{t:?}: {text:?} but {system:?}"));
    }
    if timestamp::to_rfc3339_or_empty(Some(&t)) != text.clone().unwrap_or_default() {
        return Err(format!("{t:?}: the fallback differs from {text:?}"));
    }
    let read =
        RootCredentials::from_answer(&assume_root_answer(t), TaskPolicy::AuditRootUserCredentials);
    if read.as_ref().map(|c| c.expiration_rfc3339()).ok() != text.clone().ok().map(Ok) {
        return Err(format!("{t:?}: the answer reads as {read:?}, not {text:?}"));
    }
    let (Ok(text), Ok(system)) = (text, system) else {
        return Ok(());
    };
    if timestamp::from_system_time(system) != Some(t) {
        return Err(format!("{t:?} does not come back from {system:?}"));
    }
    if timestamp::system_time_to_rfc3339(system).as_ref() != Ok(&text) {
        return Err(format!("{t:?}: {system:?} writes otherwise than {text}"));
    }
    let parsed = DateTime::from_str(&text, Format::DateTime).map_err(|e| format!("{text}: {e}"))?;
    // RFC 3339 as the SDK writes it keeps microseconds.
    let micros = DateTime::from_secs_and_nanos(t.secs(), t.subsec_nanos() / 1_000 * 1_000);
    if parsed != micros {
        return Err(format!("{text} reads back as {parsed:?}, not {micros:?}"));
    }
    let _ = timestamp::until(system, SystemTime::now());
    Ok(())
}

/// A `SystemTime` `secs` and `nanos` away from the epoch, either way; `None` past its range.
fn system_time(after: bool, secs: u64, nanos: u32) -> Option<SystemTime> {
    let offset = Duration::new(secs, nanos);
    if after {
        UNIX_EPOCH.checked_add(offset)
    } else {
        UNIX_EPOCH.checked_sub(offset)
    }
}

#[test]
fn extreme_aws_timestamps_convert_or_fail_cleanly() {
    let last = 253_402_300_799; // 9999-12-31T23:59:59Z
    let first = -62_135_596_800; // 0001-01-01T00:00:00Z
    for secs in [
        i64::MIN,
        i64::MIN + 1,
        first - 1,
        first,
        -1,
        0,
        1,
        last,
        last + 1,
        i64::MAX - 1,
        i64::MAX,
    ] {
        for nanos in [0, 1, 999_999, 999_999_999] {
            let t = DateTime::from_secs_and_nanos(secs, nanos);
            assert_eq!(aws_timestamp_conversions(t), Ok(()));
            let in_range = (first..=last).contains(&secs);
            assert_eq!(timestamp::to_rfc3339(&t).is_ok(), in_range, "{t:?}");
        }
    }
    // Accepted by the SDK (offsets allowed): 10000-01-01T23:58:59Z.
    let hostile = DateTime::from_str("9999-12-31T23:59:59-23:59", Format::DateTimeWithOffset)
        .expect("the SDK reads it");
    assert_eq!(aws_timestamp_conversions(hostile), Ok(()));
    assert!(timestamp::to_system_time(&hostile).is_err());
    for (after, secs) in [(true, u64::MAX), (false, u64::MAX), (true, i64::MAX as u64)] {
        if let Some(t) = system_time(after, secs, 999_999_999) {
            let _ = timestamp::system_time_to_rfc3339(t);
            let _ = timestamp::until(t, UNIX_EPOCH);
            let _ = timestamp::until(UNIX_EPOCH, t);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn aws_timestamps_convert_or_fail_without_panicking(
        secs in prop_oneof![
            any::<i64>(),
            -62_135_596_900i64..-62_135_596_700,
            253_402_300_700i64..253_402_300_900,
        ],
        nanos in 0u32..1_000_000_000,
    ) {
        let t = DateTime::from_secs_and_nanos(secs, nanos);
        let checked = aws_timestamp_conversions(t);
        prop_assert!(checked.is_ok(), "{:?}", checked);
    }

    #[test]
    fn timestamps_as_aws_writes_them_convert_or_fail_without_panicking(
        text in "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])",
    ) {
        if let Ok(t) = DateTime::from_str(&text, Format::DateTimeWithOffset) {
            let checked = aws_timestamp_conversions(t);
            prop_assert!(checked.is_ok(), "{}: {:?}", text, checked);
        }
    }

    #[test]
    fn system_times_convert_or_fail_without_panicking(
        after in any::<bool>(),
        secs in any::<u64>(),
        nanos in 0u32..1_000_000_000,
    ) {
        if let Some(t) = system_time(after, secs, nanos) {
            let text = timestamp::system_time_to_rfc3339(t);
            if let Some(back) = timestamp::from_system_time(t) {
                prop_assert_eq!(timestamp::to_system_time(&back).ok().map(|_| ()), text.as_ref().ok().map(|_| ()));
            }
            let _ = timestamp::until(t, SystemTime::now());
        }
    }

    #[test]
    fn organization_import_ids_never_panic(
        id in prop_oneof!["\\PC{0,40}", "o-[a-z0-9A-Z]{8,34}"],
    ) {
        if let Ok(parsed) = parse_import_id(&id) {
            prop_assert_eq!(parsed, id.as_str());
            prop_assert!(parsed.starts_with("o-"));
        }
    }

    #[test]
    fn import_ids_never_panic_and_accepted_ones_round_trip(
        id in prop_oneof![
            "\\PC{0,40}",
            "[0-9]{10,14}(/[a-z0-9.-]{0,30}){0,3}",
            any::<Vec<u8>>().prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        ],
    ) {
        if let Ok(parsed) = RegistrationId::parse_import(&id) {
            let again = RegistrationId::parse_import(&parsed.to_string());
            prop_assert_eq!(again.as_ref().ok(), Some(&parsed));
            prop_assert_eq!(parsed.account_id.len(), 12);
        }
    }

    #[test]
    fn arbitrary_bytes_decode_small_and_never_panic(
        ty in any_type(),
        bytes in vec(any::<u8>(), 0..96),
    ) {
        let (_, peak) = peak_allocation(|| {
            let _ = msgpack::decode(&bytes, &ty);
            let _ = json::decode(&bytes, &ty);
            let _ = json::decode_lenient(&bytes, &ty);
            let _ = Type::from_json(&bytes);
        });
        prop_assert!(peak < ALLOCATION_LIMIT, "{:02x?} allocated {}", bytes, peak);
        prop_assert!(msgpack_round_trip(&bytes, &ty).is_ok(), "{:?}", msgpack_round_trip(&bytes, &ty));
        prop_assert!(json_round_trip(&bytes, &ty).is_ok(), "{:?}", json_round_trip(&bytes, &ty));
        prop_assert!(type_json_round_trip(&bytes).is_ok(), "{:?}", type_json_round_trip(&bytes));
    }

    #[test]
    fn length_prefixes_anywhere_decode_small(
        ty in any_type(),
        prefix in vec(prop::sample::select(vec![0x91u8, 0x92, 0x81, 0xa1, b'k', 0xc0, 0x00]), 0..6),
        header in arbitrary_header(),
        tail in vec(any::<u8>(), 0..8),
    ) {
        let bytes = [prefix.as_slice(), header.as_slice(), tail.as_slice()].concat();
        let (_, peak) = peak_allocation(|| msgpack::decode(&bytes, &ty));
        prop_assert!(peak < ALLOCATION_LIMIT, "{:02x?} allocated {}", bytes, peak);
    }

    #[test]
    fn json_shaped_garbage_never_panics(
        ty in any_type(),
        tokens in vec(prop::sample::select(vec![
            "{", "}", "[", "]", ",", ":", "\"value\"", "\"type\"", "\"string\"", "\"list\"",
            "\"object\"", "\"dynamic\"", "null", "true", "1e999999", "-0", "\"\\ud800\"", "1.5",
        ]), 0..24),
    ) {
        let text = tokens.concat();
        let (_, peak) = peak_allocation(|| {
            let _ = json::decode(text.as_bytes(), &ty);
            let _ = json::decode_lenient(text.as_bytes(), &ty);
            let _ = Type::from_json(text.as_bytes());
        });
        prop_assert!(peak < ALLOCATION_LIMIT, "{} allocated {}", text, peak);
        prop_assert!(json_round_trip(text.as_bytes(), &ty).is_ok(), "{:?}", json_round_trip(text.as_bytes(), &ty));
        prop_assert!(type_json_round_trip(text.as_bytes()).is_ok(), "{:?}", type_json_round_trip(text.as_bytes()));
    }
}
