//! A service control policy that denies a member's audit: its error, with the policy named.

use centralroot::aws::{ErrorKind, Operation};
use centralroot::types_common::advice::detail;

use crate::support::{MANAGEMENT, aws_for, quick_wait, sandbox_with_root_sessions};

#[tokio::test]
async fn a_service_control_policy_in_a_member_is_its_audit_s_error_with_the_policy_named() {
    let sandbox = sandbox_with_root_sessions(|seed| {
        for account in &mut seed.accounts {
            account.service_control_policy = match account.id.as_str() {
                // Denies everything in root sessions too.
                "333333333333" => Some(centralroot_sandbox::seed::ServiceControlPolicy {
                    id: "p-denyall1".into(),
                    denied_actions: vec!["*".into()],
                    exempt_root_sessions: false,
                }),
                // The same with the aws:AssumedRoot exemption: root sessions go through.
                "444444444444" => Some(centralroot_sandbox::seed::ServiceControlPolicy {
                    id: "p-exemptroot".into(),
                    denied_actions: vec!["*".into()],
                    exempt_root_sessions: true,
                }),
                _ => None,
            };
        }
    })
    .await;
    let aws = aws_for(&sandbox, MANAGEMENT, 2, quick_wait());
    let audits = aws.audit_organization(None, 5).await.unwrap();
    let failed: Vec<(&str, &centralroot::aws::AwsError)> = audits
        .iter()
        .filter_map(|a| a.result.as_ref().err().map(|e| (a.account_id.as_str(), e)))
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    let (account, err) = failed[0];
    assert_eq!(account, "333333333333");
    assert_eq!(err.kind, ErrorKind::DeniedByServiceControlPolicy);
    assert_eq!(err.operation, Operation::GetAccountSummary);
    let denial = err.scp_denial().expect("the message names the policy");
    assert_eq!(
        denial.policy_arn.as_deref(),
        Some(
            "arn:aws:organizations::111111111111:policy/o-sandbox1234/service_control_policy/p-denyall1"
        )
    );
    assert_eq!(denial.account_id, "333333333333");
    assert_eq!(denial.action, "iam:GetAccountSummary");
    let advice = detail(err);
    assert!(advice.contains("aws:AssumedRoot"), "{advice}");
    assert!(advice.contains("p-denyall1"), "{advice}");
}
