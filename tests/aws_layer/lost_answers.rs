//! Every mutating call retried after the sandbox made its change and lost the answer (a 500, or
//! an answer held past the attempt timeout).

use std::time::Duration;

use centralroot::aws::{Feature, IAM_SERVICE_PRINCIPAL};
use centralroot_sandbox::faults::FaultConfig;
use centralroot_sandbox::{Seed, Server, ServerHandle};

use crate::support::{MANAGEMENT, MEMBER, aws_with, never, quick_wait};

/// One lost answer (commit-then-500, or commit-then-timeout held past the attempt timeout) on
/// `operation`, then normal service.
fn lose_one_answer(handle: &ServerHandle, operation: &str, timeout: bool) {
    handle.sandbox().set_faults(FaultConfig {
        commit_then_server_error_every: u64::from(!timeout),
        commit_then_timeout_every: u64::from(timeout),
        commit_then_timeout_hold_ms: 5_000,
        operations: Some(vec![operation.to_owned()]),
        count: Some(1),
        ..FaultConfig::default()
    });
}

fn lost_answers_injected(handle: &ServerHandle) -> u64 {
    let (_, injected) = handle.sandbox().faults();
    injected.commit_then_server_error + injected.commit_then_timeout
}

#[tokio::test]
async fn every_mutating_call_succeeds_when_its_first_answer_is_lost() {
    for timeout in [false, true] {
        let (_, handle) = Server::bind("127.0.0.1:0", Seed::default_seed())
            .await
            .unwrap();
        let aws = aws_with(
            &handle,
            MANAGEMENT,
            3,
            quick_wait(),
            Some(Duration::from_millis(500)),
        );
        let lose = |operation| lose_one_answer(&handle, operation, timeout);
        let lost = |operation| {
            assert_eq!(
                lost_answers_injected(&handle),
                1,
                "{operation} (timeout={timeout}) lost its first answer"
            );
        };

        lose("EnableAWSServiceAccess");
        assert!(aws.ensure_iam_trusted_access().await.unwrap());
        lost("EnableAWSServiceAccess");
        aws.while_trusted_access_propagates(&never(), || aws.list_features())
            .await
            .unwrap();
        for (operation, feature) in [
            (
                "EnableOrganizationsRootCredentialsManagement",
                Feature::RootCredentialsManagement,
            ),
            ("EnableOrganizationsRootSessions", Feature::RootSessions),
        ] {
            lose(operation);
            let features = aws.enable_feature(feature).await.unwrap();
            lost(operation);
            assert!(features.enabled.contains(&feature), "{operation}");
        }
        lose("DisableOrganizationsRootSessions");
        let features = aws.disable_feature(Feature::RootSessions).await.unwrap();
        lost("DisableOrganizationsRootSessions");
        assert!(!features.enabled.contains(&Feature::RootSessions));

        lose("RegisterDelegatedAdministrator");
        let registration = aws
            .register_delegated_admin(MEMBER, IAM_SERVICE_PRINCIPAL)
            .await
            .expect("the retry meets this call's own registration");
        lost("RegisterDelegatedAdministrator");
        let details = registration.read().await.unwrap().expect("visible");
        assert_eq!(details.account_id, MEMBER);
        assert_eq!(
            handle.sandbox().requests().operations["RegisterDelegatedAdministrator"].total,
            2,
            "the registration was retried once"
        );
        assert!(
            aws.find_delegated_admin(MEMBER, IAM_SERVICE_PRINCIPAL)
                .await
                .unwrap()
                .is_some()
        );
        lose("DeregisterDelegatedAdministrator");
        aws.deregister_delegated_admin(MEMBER, IAM_SERVICE_PRINCIPAL)
            .await
            .expect("the retry meets this call's own deregistration");
        lost("DeregisterDelegatedAdministrator");
        assert!(
            handle
                .sandbox()
                .snapshot()
                .delegated_administrators
                .is_empty()
        );
    }
}
