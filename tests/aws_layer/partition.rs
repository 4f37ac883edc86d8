//! Task policies and the global region of the partition the configured region belongs to.

use crate::support::{MANAGEMENT, MEMBER, aws_signing_in, quick_wait, sandbox_with_root_sessions};

#[tokio::test]
async fn task_policies_and_the_global_region_follow_the_partition_of_the_region() {
    let sandbox = sandbox_with_root_sessions(|seed| seed.partition = "aws-us-gov".into()).await;
    let keys = sandbox.credentials(MANAGEMENT).unwrap();
    let credentials = aws_credential_types::Credentials::new(
        keys.access_key_id,
        keys.secret_access_key,
        None,
        None,
        "test",
    );
    let aws = aws_signing_in(
        "us-gov-west-1",
        &sandbox,
        credentials,
        1,
        quick_wait(),
        None,
    );
    assert_eq!(aws.partition(), centralroot::aws::Partition::AwsUsGov);
    // The sandbox plays GovCloud: it accepts only task policy ARNs of aws-us-gov.
    let report = aws.audit_account(MEMBER).await.unwrap();
    assert!(report.has_credentials());
    let caller = aws.caller_identity().await.unwrap();
    assert_eq!(
        caller.arn,
        "arn:aws-us-gov:iam::111111111111:user/sandbox-admin"
    );
    assert_eq!(
        sandbox.sandbox().requests().operations["AssumeRoot"].succeeded,
        1
    );
}
