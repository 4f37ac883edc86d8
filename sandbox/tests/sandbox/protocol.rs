//! Wire protocols, SigV4 and the control plane.

use crate::support::*;
use aws_sdk_iam::error::ProvideErrorMetadata;
use centralroot_sandbox::{Credentials, Seed};
use serde_json::json;

#[tokio::test]
async fn signatures_and_keys_are_verified() {
    let sandbox = start(trusted_seed()).await;
    let mut wrong = sandbox.credentials(MANAGEMENT).unwrap();
    wrong.secret_access_key.push('x');
    let bad = clients_with(&sandbox, &wrong, None);
    let err = bad
        .iam
        .list_organizations_features()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 403);
    let err = bad.sts.get_caller_identity().send().await.unwrap_err();
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    let err = bad.orgs.describe_organization().send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidSignatureException"));

    let unknown = clients_with(
        &sandbox,
        &Credentials {
            access_key_id: "AKIAUNKNOWN000000000".to_owned(),
            secret_access_key: "secret".to_owned(),
        },
        None,
    );
    let err = unknown
        .iam
        .list_organizations_features()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidClientTokenId"));
    let err = unknown.orgs.list_accounts().send().await.unwrap_err();
    assert_eq!(err.code(), Some("UnrecognizedClientException"));
    let requests = control_get(&sandbox, "requests").await;
    assert_eq!(
        requests["operations"]["ListOrganizationsFeatures"]["errors"]["SignatureDoesNotMatch"],
        1
    );
}

#[tokio::test]
async fn wire_format_and_unknown_operations() {
    let sandbox = start(trusted_seed()).await;
    let credentials = sandbox.credentials(MANAGEMENT).unwrap();
    let form = [("content-type", "application/x-www-form-urlencoded")];

    let (status, body) = signed_post(
        &sandbox,
        &credentials,
        "iam",
        &form,
        b"Action=ListOrganizationsFeatures&Version=2010-05-08",
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        body.starts_with(
            "<ListOrganizationsFeaturesResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ListOrganizationsFeaturesResult><OrganizationId>o-sandbox1234</OrganizationId><EnabledFeatures></EnabledFeatures></ListOrganizationsFeaturesResult><ResponseMetadata><RequestId>"
        ),
        "{body}"
    );
    let (status, body) = signed_post(
        &sandbox,
        &credentials,
        "sts",
        &form,
        b"Action=GetCallerIdentity&Version=2011-06-15",
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        body.contains("xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\""),
        "{body}"
    );

    let (status, body) = signed_post(
        &sandbox,
        &credentials,
        "iam",
        &form,
        b"Action=CreateUser&Version=2010-05-08&UserName=x",
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body.contains("<Error><Type>Sender</Type><Code>InvalidAction</Code>"),
        "{body}"
    );
    assert!(body.contains("<RequestId>"));

    let (status, body) = signed_post(
        &sandbox,
        &credentials,
        "organizations",
        &[
            ("content-type", "application/x-amz-json-1.1"),
            ("x-amz-target", "AWSOrganizationsV20161128.CreateAccount"),
        ],
        b"{}",
    )
    .await;
    assert_eq!(status, 400);
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["__type"], "UnknownOperationException");

    let (status, body) = signed_post(
        &sandbox,
        &credentials,
        "organizations",
        &[
            ("content-type", "application/x-amz-json-1.1"),
            (
                "x-amz-target",
                "AWSOrganizationsV20161128.DescribeOrganization",
            ),
        ],
        b"{}",
    )
    .await;
    assert_eq!(status, 200);
    let org: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(org["Organization"]["MasterAccountId"], MANAGEMENT);

    // Signed (correctly) an hour ago.
    let (status, body) = signed_post_at(
        &sandbox,
        &credentials,
        "iam",
        &form,
        b"Action=ListOrganizationsFeatures&Version=2010-05-08",
        time::OffsetDateTime::now_utc() - time::Duration::hours(1),
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        body.contains("<Code>SignatureDoesNotMatch</Code><Message>Signature expired"),
        "{body}"
    );

    // Signed for the wrong service.
    let (status, body) = signed_post(
        &sandbox,
        &credentials,
        "sts",
        &form,
        b"Action=ListOrganizationsFeatures&Version=2010-05-08",
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        body.contains("<Code>SignatureDoesNotMatch</Code>"),
        "{body}"
    );

    let (status, _, body) = http(
        sandbox.addr(),
        "POST",
        "/",
        &[(
            "content-type",
            "application/x-www-form-urlencoded".to_owned(),
        )],
        b"Action=ListOrganizationsFeatures&Version=2010-05-08",
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        body.contains("<Code>MissingAuthenticationToken</Code>"),
        "{body}"
    );
    let (status, head, body) = http(sandbox.addr(), "GET", "/anything", &[], b"").await;
    assert_eq!(status, 400);
    assert!(
        head.to_ascii_lowercase().contains("content-type: text/xml"),
        "{head}"
    );
    assert!(body.starts_with("<ErrorResponse"), "{body}");
}

#[tokio::test]
async fn control_plane_state_seed_reset_and_counters() {
    let sandbox = start(Seed::default_seed()).await;
    let management = clients(&sandbox, MANAGEMENT);
    enable_trusted_access(&sandbox).await;
    let state = control_get(&sandbox, "state").await;
    assert_eq!(state["trusted_access"][0]["service_principal"], IAM);
    assert_eq!(state["organization"]["id"], "o-sandbox1234");

    management
        .orgs
        .describe_organization()
        .send()
        .await
        .unwrap();
    clients(&sandbox, MEMBER_A)
        .orgs
        .describe_organization()
        .send()
        .await
        .unwrap();
    let requests = control_get(&sandbox, "requests").await;
    assert_eq!(requests["total"], 3);
    assert_eq!(requests["accounts"][MANAGEMENT], 2);
    assert_eq!(requests["accounts"][MEMBER_A], 1);
    let member_key = sandbox.credentials(MEMBER_A).unwrap().access_key_id;
    assert_eq!(requests["access_keys"][member_key.as_str()], 1);
    assert_eq!(
        requests["operations"]["DescribeOrganization"]["succeeded"],
        2
    );
    assert!(
        !requests.to_string().contains("sandbox-secret"),
        "no secrets in counters"
    );

    let (status, _) = control_post(&sandbox, "reset", &json!({})).await;
    assert_eq!(status, 200);
    let state = control_get(&sandbox, "state").await;
    assert_eq!(state["trusted_access"], json!([]));
    assert_eq!(control_get(&sandbox, "requests").await["total"], 0);

    let (status, body) = control_post(&sandbox, "seed", &json!({"accounts": [{"id": "1"}]})).await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("12 digits"));
    let (status, _) = control_post(
        &sandbox,
        "seed",
        &json!({
            "organization": {"id": "o-otherorg0001", "management_account_id": "555555555555"},
            "accounts": [{"id": "555555555555", "access_key_id": "AKIACUSTOMKEY0000001", "secret_access_key": "custom"}]
        }),
    )
    .await;
    assert_eq!(status, 200);
    let custom = clients_with(
        &sandbox,
        &Credentials {
            access_key_id: "AKIACUSTOMKEY0000001".to_owned(),
            secret_access_key: "custom".to_owned(),
        },
        None,
    );
    let org = custom.orgs.describe_organization().send().await.unwrap();
    assert_eq!(org.organization().unwrap().id(), Some("o-otherorg0001"));
    // The old keys are gone with the old seed.
    let err = management
        .orgs
        .describe_organization()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("UnrecognizedClientException"));
    // Reset now returns to the posted seed.
    control_post(&sandbox, "reset", &json!({})).await;
    custom.orgs.describe_organization().send().await.unwrap();
}
