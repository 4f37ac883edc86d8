//! The organization features and trusted access: errors classified with advice, the
//! trusted-access propagation wait (bounded, and ended by a stop), and changes repeated after a
//! lost answer.

use std::time::Duration;

use centralroot::aws::{ErrorKind, Feature, IAM_SERVICE_PRINCIPAL, PropagationWait};
use centralroot::types_common::advice::detail;
use centralroot_sandbox::faults::FaultConfig;
use centralroot_sandbox::{Seed, Server};
use tokio_util::sync::CancellationToken;

use crate::support::{MANAGEMENT, MEMBER, aws_for, never, quick_wait, sandbox_with_trusted_access};

#[tokio::test]
async fn trusted_access_off_is_classified_with_advice() {
    let (_, handle) = Server::bind("127.0.0.1:0", Seed::default_seed())
        .await
        .unwrap();
    let aws = aws_for(&handle, MANAGEMENT, 1, quick_wait());
    let err = aws.enable_feature(Feature::RootSessions).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::ServiceAccessNotEnabled);
    assert!(
        detail(&err).contains("enable_trusted_access = true"),
        "{}",
        detail(&err)
    );
    assert!(
        !aws.trusted_access_enabled(IAM_SERVICE_PRINCIPAL)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn member_credentials_are_refused_with_advice() {
    let handle = sandbox_with_trusted_access().await;
    let aws = aws_for(&handle, MEMBER, 1, quick_wait());
    let err = aws.list_features().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotManagementOrDelegatedAdministrator);
    assert!(detail(&err).contains("management account"));
}

/// Enabling or disabling a feature that already is, and enabling trusted access that already
/// is on, answer as a first call would: a retry after an attempt whose answer was lost cannot
/// fail on the change that attempt made.
#[tokio::test]
async fn repeated_feature_and_trusted_access_changes_succeed() {
    let (_, handle) = Server::bind("127.0.0.1:0", Seed::default_seed())
        .await
        .unwrap();
    let aws = aws_for(&handle, MANAGEMENT, 1, quick_wait());
    aws.ensure_iam_trusted_access().await.unwrap();
    aws.while_trusted_access_propagates(&never(), || aws.list_features())
        .await
        .unwrap();
    for _ in 0..2 {
        let features = aws.enable_feature(Feature::RootSessions).await.unwrap();
        assert!(features.enabled.contains(&Feature::RootSessions));
    }
    for _ in 0..2 {
        let features = aws.disable_feature(Feature::RootSessions).await.unwrap();
        assert!(!features.enabled.contains(&Feature::RootSessions));
    }
}

#[tokio::test]
async fn enabling_waits_for_trusted_access_to_propagate() {
    let (_, handle) = Server::bind("127.0.0.1:0", Seed::default_seed())
        .await
        .unwrap();
    handle.sandbox().set_faults(FaultConfig {
        trusted_access_propagation_ms: 600,
        ..FaultConfig::default()
    });
    let aws = aws_for(&handle, MANAGEMENT, 1, quick_wait());
    assert!(aws.ensure_iam_trusted_access().await.unwrap());
    assert!(
        !aws.ensure_iam_trusted_access().await.unwrap(),
        "second call is a no-op"
    );
    let features = aws
        .while_trusted_access_propagates(&never(), || {
            aws.enable_feature(Feature::RootCredentialsManagement)
        })
        .await
        .unwrap();
    assert!(
        features
            .enabled
            .contains(&Feature::RootCredentialsManagement)
    );
    assert!(features.organization_id.starts_with("o-"));
    let log = handle.sandbox().requests();
    let enables = &log.operations["EnableOrganizationsRootCredentialsManagement"];
    assert!(
        enables.total >= 2,
        "the first attempts saw propagation: {enables:?}"
    );
    assert_eq!(enables.succeeded, 1);
}

#[tokio::test]
async fn propagation_wait_is_bounded() {
    let (_, handle) = Server::bind("127.0.0.1:0", Seed::default_seed())
        .await
        .unwrap();
    handle.sandbox().set_faults(FaultConfig {
        trusted_access_propagation_ms: 60_000,
        ..FaultConfig::default()
    });
    let wait = PropagationWait {
        timeout: Duration::from_millis(300),
        ..quick_wait()
    };
    let aws = aws_for(&handle, MANAGEMENT, 1, wait);
    aws.ensure_iam_trusted_access().await.unwrap();
    let started = std::time::Instant::now();
    let err = aws
        .while_trusted_access_propagates(&never(), || aws.list_features())
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::ServiceAccessNotEnabled);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_stop_ends_the_propagation_wait() {
    let (_, handle) = Server::bind("127.0.0.1:0", Seed::default_seed())
        .await
        .unwrap();
    handle.sandbox().set_faults(FaultConfig {
        trusted_access_propagation_ms: 600_000,
        ..FaultConfig::default()
    });
    // A wait that would outlast the test run unless the stop ends it.
    let wait = PropagationWait {
        timeout: Duration::from_secs(3_600),
        ..quick_wait()
    };
    let aws = aws_for(&handle, MANAGEMENT, 1, wait);
    aws.ensure_iam_trusted_access().await.unwrap();
    let stop = CancellationToken::new();
    let calls = std::sync::atomic::AtomicU32::new(0);
    let err = aws
        .while_trusted_access_propagates(&stop, || {
            // Stops once the wait has met its first refusal.
            if calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 1 {
                stop.cancel();
            }
            aws.list_features()
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::ServiceAccessNotEnabled);
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "the call in flight when the stop came ran, and no other"
    );
}
