//! Timestamps as an AWS answer carries them, through every conversion the provider makes: 12
//! bytes as seconds and nanoseconds since the epoch, the rest as text the SDK parses with
//! offsets allowed (as it parses STS's `Expiration`). Nothing may panic; each conversion
//! succeeds exactly when RFC 3339 can write the timestamp, and those that succeed agree.
#![no_main]

use std::time::SystemTime;

use aws_sdk_sts::operation::assume_root::AssumeRootOutput;
use aws_sdk_sts::types::Credentials;
use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use centralroot::aws::{RootCredentials, TaskPolicy, timestamp};
use libfuzzer_sys::fuzz_target;

fn check(t: DateTime) {
    let text = timestamp::to_rfc3339(&t);
    let system = timestamp::to_system_time(&t);
    assert_eq!(text.is_ok(), system.is_ok(), "{t:?}");
    assert_eq!(
        timestamp::to_rfc3339_or_empty(Some(&t)),
        text.clone().unwrap_or_default()
    );
    let credentials = Credentials::builder()
        .access_key_id("ASIAEXAMPLE")
        .secret_access_key("secret")
        .session_token("token")
        .expiration(t)
        .build()
        .expect("every field set");
    let answer = AssumeRootOutput::builder().credentials(credentials).build();
    let read = RootCredentials::from_answer(&answer, TaskPolicy::AuditRootUserCredentials);
    assert_eq!(
        read.map(|c| c.expiration_rfc3339()).ok(),
        text.clone().ok().map(Ok)
    );
    if let (Ok(text), Ok(system)) = (text, system) {
        assert_eq!(timestamp::from_system_time(system), Some(t));
        assert_eq!(timestamp::system_time_to_rfc3339(system), Ok(text));
        let _ = timestamp::until(system, SystemTime::now());
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((number, rest)) = data.split_first_chunk::<12>() else {
        return;
    };
    let (secs, nanos) = number.split_at(8);
    let secs = i64::from_le_bytes(secs.try_into().expect("8 bytes"));
    let nanos = u32::from_le_bytes(nanos.try_into().expect("4 bytes")) % 1_000_000_000;
    check(DateTime::from_secs_and_nanos(secs, nanos));
    if let Ok(text) = std::str::from_utf8(rest)
        && let Ok(t) = DateTime::from_str(text, Format::DateTimeWithOffset)
    {
        check(t);
    }
});
