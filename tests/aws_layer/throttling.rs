//! Throttled audits: root sessions allowed halved by a throttled answer, a rate limit learned,
//! and every member audited with one session each.

use centralroot_sandbox::faults::FaultConfig;
use centralroot_sandbox::{Seed, Server};

use crate::support::{MANAGEMENT, aws_for, quick_wait, sandbox_with_root_sessions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_audit_throttled_on_every_third_call_converges_with_one_session_per_member() {
    let sandbox = Server::bind("127.0.0.1:0", Seed::large_organization(200))
        .await
        .unwrap()
        .1;
    sandbox.sandbox().set_faults(FaultConfig {
        throttle_every: 3,
        ..FaultConfig::default()
    });
    let aws = aws_for(&sandbox, MANAGEMENT, 10, quick_wait());
    assert_eq!(aws.root_sessions_allowed(), 20);
    let audits = aws.audit_organization(None, 50).await.unwrap();
    assert_eq!(audits.len(), 203);
    let failed: Vec<String> = audits
        .iter()
        .filter_map(|a| {
            a.result
                .as_ref()
                .err()
                .map(|e| format!("{}: {e}", a.account_id))
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} audits failed: {failed:#?}",
        failed.len()
    );
    let log = sandbox.sandbox().requests();
    assert!(sandbox.sandbox().faults().1.throttle > 100);
    assert_eq!(log.operations["AssumeRoot"].succeeded, 203);
    assert!(
        log.root_sessions_opened
            .values()
            .all(|by_policy| by_policy["IAMAuditRootUserCredentials"] == 1),
        "a throttled call is retried within its session, never through a new one"
    );
}

#[tokio::test]
async fn a_throttled_answer_halves_the_root_sessions_allowed() {
    let sandbox = sandbox_with_root_sessions(|_| {}).await;
    sandbox.sandbox().set_faults(FaultConfig {
        throttle_every: 1,
        count: Some(1),
        operations: Some(vec!["AssumeRoot".into()]),
        ..FaultConfig::default()
    });
    let aws = aws_for(&sandbox, MANAGEMENT, 3, quick_wait());
    assert_eq!(aws.root_sessions_allowed(), 20);
    let audits = aws.audit_organization(None, 20).await.unwrap();
    assert!(audits.iter().all(|a| a.result.is_ok()));
    assert_eq!(sandbox.sandbox().faults().1.throttle, 1);
    // Halved to 10 by the one throttled answer, then about one more per 10 successful calls.
    let allowed = aws.root_sessions_allowed();
    assert!((10..=12).contains(&allowed), "allowed now: {allowed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_on_assume_root_is_learned_and_every_member_is_audited() {
    let sandbox = Server::bind("127.0.0.1:0", Seed::large_organization(120))
        .await
        .unwrap()
        .1;
    sandbox.sandbox().set_faults(FaultConfig {
        rate_limits: vec![
            centralroot_sandbox::rate_limits::RateLimit::parse("AssumeRoot=40/10").unwrap(),
        ],
        ..FaultConfig::default()
    });
    let aws = aws_for(&sandbox, MANAGEMENT, 10, quick_wait());
    assert_eq!(aws.root_session_rate(), None, "no pace before throttling");
    let audits = aws.audit_organization(None, 20).await.unwrap();
    assert_eq!(audits.len(), 123);
    assert!(audits.iter().all(|a| a.result.is_ok()));
    let log = sandbox.sandbox().requests();
    let assume = &log.operations["AssumeRoot"];
    let throttled = assume.errors.get("Throttling").copied().unwrap_or(0);
    assert_eq!(assume.succeeded, 123, "one session per member");
    assert!(throttled > 0, "the bucket was met");
    let rate = aws
        .root_session_rate()
        .expect("a pace learned from throttling");
    assert!(rate < 80.0, "paced near the bucket's 40 per second: {rate}");
    assert_eq!(
        log.root_sessions_opened.len(),
        123,
        "a throttled request is asked again, never dropped"
    );
}
