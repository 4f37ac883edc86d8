//! The two unlock root tasks through the real SDK: S3 bucket policies and SQS queue policies
//! that lock out the account's administrator, the root sessions that get past them, S3's
//! redirect to a bucket's Region, SQS's regional queues, the seed and the control plane, and
//! the request log per task policy.

use crate::support::*;
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_sqs::types::QueueAttributeName;
use centralroot_sandbox::seed::unlock::deny_everyone;
use centralroot_sandbox::seed::{Bucket, Feature, Queue};
use centralroot_sandbox::{Seed, ServerHandle};
use serde_json::json;
use sha2::{Digest, Sha256};

const S3_UNLOCK: &str = "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy";
const SQS_UNLOCK: &str = "arn:aws:iam::aws:policy/root-task/SQSUnlockQueuePolicy";
const LOCKED: &str = "locked-logs";
const ELSEWHERE: &str = "locked-eu-logs";
const QUEUE: &str = "orders";
const QUEUE_URL: &str = "https://sqs.us-east-1.amazonaws.com/222222222222/orders";

/// Member A holds a locked bucket in us-east-1, another in eu-west-1, an open bucket, and a
/// locked queue; trusted access and RootSessions are on.
fn unlock_seed() -> Seed {
    let mut seed = trusted_seed();
    seed.features
        .extend([Feature::RootCredentialsManagement, Feature::RootSessions]);
    let member = seed.accounts.iter_mut().find(|a| a.id == MEMBER_A).unwrap();
    let s3_lock = deny_everyone("s3");
    member.buckets = vec![
        Bucket::new(LOCKED, "us-east-1", Some(&s3_lock)),
        Bucket::new(ELSEWHERE, "eu-west-1", Some(&s3_lock)),
        Bucket::new("open-logs", "us-east-1", None),
    ];
    member.queues = vec![Queue::new(QUEUE, "us-east-1", Some(&deny_everyone("sqs")))];
    seed.validated().unwrap()
}

fn root_session_calls(sandbox: &ServerHandle, policy: &str) -> Vec<(String, u64)> {
    sandbox
        .sandbox()
        .requests()
        .root_sessions
        .get(policy)
        .map(|calls| calls.iter().map(|(k, v)| (k.clone(), *v)).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_bucket_policy_denying_everyone_locks_out_the_admin_not_the_root_session() {
    let sandbox = start(unlock_seed()).await;
    let admin = clients(&sandbox, MEMBER_A);
    let err = admin
        .s3
        .get_bucket_policy()
        .bucket(LOCKED)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"), "{err:?}");
    assert!(
        err.message()
            .unwrap()
            .contains("explicit deny in a resource-based policy"),
        "{err:?}"
    );
    let err = admin
        .s3
        .delete_bucket_policy()
        .bucket(LOCKED)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));

    let root = assume_root(&sandbox, MANAGEMENT, MEMBER_A, S3_UNLOCK, 900).await;
    let listed = root.s3.list_buckets().send().await.unwrap();
    let names: Vec<&str> = listed.buckets().iter().filter_map(|b| b.name()).collect();
    assert_eq!(names, [LOCKED, ELSEWHERE, "open-logs"]);
    assert_eq!(listed.buckets()[1].bucket_region(), Some("eu-west-1"));
    let policy = root
        .s3
        .get_bucket_policy()
        .bucket(LOCKED)
        .send()
        .await
        .unwrap();
    assert_eq!(policy.policy(), Some(deny_everyone("s3").as_str()));
    root.s3
        .delete_bucket_policy()
        .bucket(LOCKED)
        .send()
        .await
        .unwrap();

    let err = admin
        .s3
        .get_bucket_policy()
        .bucket(LOCKED)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("NoSuchBucketPolicy"), "unlocked: {err:?}");
    let allow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::locked-logs/*"}]}"#;
    admin
        .s3
        .put_bucket_policy()
        .bucket(LOCKED)
        .policy(allow)
        .send()
        .await
        .unwrap();
    let err = admin
        .s3
        .put_bucket_policy()
        .bucket(LOCKED)
        .policy("not a policy")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("MalformedPolicy"));
    let state = sandbox.sandbox().snapshot();
    let bucket = &state.account(MEMBER_A).unwrap().buckets[0];
    assert_eq!(
        bucket.policy.as_deref(),
        Some(allow),
        "the fixed policy put back"
    );

    assert_eq!(
        root_session_calls(&sandbox, "S3UnlockBucketPolicy"),
        [
            ("DeleteBucketPolicy".to_owned(), 1),
            ("GetBucketPolicy".to_owned(), 1),
            ("ListBuckets".to_owned(), 1)
        ],
        "the root session's calls, and nothing else"
    );
}

#[tokio::test]
async fn a_bucket_in_another_region_answers_a_redirect_naming_its_region() {
    let sandbox = start(unlock_seed()).await;
    let root = assume_root(&sandbox, MANAGEMENT, MEMBER_A, S3_UNLOCK, 900).await;
    let err = root
        .s3
        .get_bucket_policy()
        .bucket(ELSEWHERE)
        .send()
        .await
        .unwrap_err();
    let response = err.raw_response().expect("an answer");
    assert_eq!(response.status().as_u16(), 301);
    assert_eq!(
        response.headers().get("x-amz-bucket-region"),
        Some("eu-west-1")
    );
    assert_eq!(err.code(), Some("PermanentRedirect"), "{err:?}");
    let in_region = root
        .s3
        .get_bucket_policy()
        .bucket(ELSEWHERE)
        .customize()
        .config_override(
            aws_sdk_s3::config::Builder::default()
                .region(aws_sdk_s3::config::Region::new("eu-west-1")),
        )
        .send()
        .await
        .unwrap();
    assert!(in_region.policy().unwrap().contains("Deny"));
}

#[tokio::test]
async fn other_accounts_other_tasks_and_missing_buckets_get_nothing() {
    let sandbox = start(unlock_seed()).await;
    let err = clients(&sandbox, MEMBER_B)
        .s3
        .get_bucket_policy()
        .bucket("open-logs")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"), "another account's bucket");
    let other_member = assume_root(&sandbox, MANAGEMENT, MEMBER_B, S3_UNLOCK, 900).await;
    let err = other_member
        .s3
        .delete_bucket_policy()
        .bucket(LOCKED)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"), "not the owner's root");
    let audit = assume_root(&sandbox, MANAGEMENT, MEMBER_A, AUDIT, 900).await;
    let err = audit
        .s3
        .get_bucket_policy()
        .bucket(LOCKED)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"), "an IAM task policy");
    let s3_root = assume_root(&sandbox, MANAGEMENT, MEMBER_A, S3_UNLOCK, 900).await;
    let err = s3_root
        .sqs
        .get_queue_attributes()
        .queue_url(QUEUE_URL)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"), "S3's task on a queue");
    let err = s3_root.iam.list_access_keys().send().await.unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"), "S3's task on IAM");
    let err = s3_root
        .s3
        .get_bucket_policy()
        .bucket("no-such-bucket")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("NoSuchBucket"));
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 404);
    let state = sandbox.sandbox().snapshot();
    assert!(state.account(MEMBER_A).unwrap().buckets[0].policy.is_some());
}

#[tokio::test]
async fn a_queue_policy_denying_everyone_locks_out_the_admin_not_the_root_session() {
    let sandbox = start(unlock_seed()).await;
    let admin = clients(&sandbox, MEMBER_A);
    let err = admin
        .sqs
        .get_queue_attributes()
        .queue_url(QUEUE_URL)
        .attribute_names(QueueAttributeName::Policy)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"), "{err:?}");

    let root = assume_root(&sandbox, MANAGEMENT, MEMBER_A, SQS_UNLOCK, 900).await;
    let listed = root.sqs.list_queues().send().await.unwrap();
    assert_eq!(listed.queue_urls(), [QUEUE_URL]);
    let url = root
        .sqs
        .get_queue_url()
        .queue_name(QUEUE)
        .send()
        .await
        .unwrap();
    assert_eq!(url.queue_url(), Some(QUEUE_URL));
    let attributes = root
        .sqs
        .get_queue_attributes()
        .queue_url(QUEUE_URL)
        .attribute_names(QueueAttributeName::Policy)
        .send()
        .await
        .unwrap();
    assert_eq!(
        attributes
            .attributes()
            .and_then(|a| a.get(&QueueAttributeName::Policy))
            .map(String::as_str),
        Some(deny_everyone("sqs").as_str())
    );
    root.sqs
        .set_queue_attributes()
        .queue_url(QUEUE_URL)
        .attributes(QueueAttributeName::Policy, "")
        .send()
        .await
        .unwrap();

    let after = admin
        .sqs
        .get_queue_attributes()
        .queue_url(QUEUE_URL)
        .attribute_names(QueueAttributeName::All)
        .send()
        .await
        .unwrap();
    let attributes = after.attributes().unwrap();
    assert!(!attributes.contains_key(&QueueAttributeName::Policy));
    assert_eq!(
        attributes
            .get(&QueueAttributeName::QueueArn)
            .map(String::as_str),
        Some("arn:aws:sqs:us-east-1:222222222222:orders")
    );
    let err = admin
        .sqs
        .set_queue_attributes()
        .queue_url(QUEUE_URL)
        .attributes(QueueAttributeName::Policy, "{not json")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidAttributeValue"));
    assert_eq!(
        root_session_calls(&sandbox, "SQSUnlockQueuePolicy"),
        [
            ("GetQueueAttributes".to_owned(), 1),
            ("GetQueueUrl".to_owned(), 1),
            ("ListQueues".to_owned(), 1),
            ("SetQueueAttributes".to_owned(), 1)
        ]
    );
}

#[tokio::test]
async fn a_queue_is_found_only_in_its_region_and_account() {
    let sandbox = start(unlock_seed()).await;
    let root = assume_root(&sandbox, MANAGEMENT, MEMBER_A, SQS_UNLOCK, 900).await;
    let eu_url = "https://sqs.eu-west-1.amazonaws.com/222222222222/orders";
    let err = root
        .sqs
        .get_queue_attributes()
        .queue_url(eu_url)
        .customize()
        .config_override(
            aws_sdk_sqs::config::Builder::default()
                .region(aws_sdk_sqs::config::Region::new("eu-west-1")),
        )
        .send()
        .await
        .unwrap_err();
    assert!(
        err.as_service_error()
            .is_some_and(|e| e.is_queue_does_not_exist()),
        "{err:?}"
    );
    assert_eq!(err.code(), Some("AWS.SimpleQueueService.NonExistentQueue"));
    let err = root
        .sqs
        .get_queue_attributes()
        .queue_url(QUEUE_URL)
        .customize()
        .config_override(
            aws_sdk_sqs::config::Builder::default()
                .region(aws_sdk_sqs::config::Region::new("eu-west-1")),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some("AWS.SimpleQueueService.NonExistentQueue"),
        "signed for another Region"
    );
    let other = assume_root(&sandbox, MANAGEMENT, MEMBER_B, SQS_UNLOCK, 900).await;
    let err = other
        .sqs
        .set_queue_attributes()
        .queue_url(QUEUE_URL)
        .attributes(QueueAttributeName::Policy, "")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"), "another account's queue");
    let err = root
        .sqs
        .get_queue_attributes()
        .queue_url("https://example.com/x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidAddress"));
    let requests = sandbox.sandbox().requests();
    assert_eq!(
        requests.operations["GetQueueAttributes"].errors["AWS.SimpleQueueService.NonExistentQueue"],
        2
    );
}

#[tokio::test]
async fn buckets_and_queues_are_seeded_checked_and_changed_through_the_control_plane() {
    let sandbox = start(unlock_seed()).await;
    let account = control_get(&sandbox, &format!("accounts/{MEMBER_A}")).await;
    assert_eq!(account["buckets"][1]["region"], "eu-west-1");
    assert_eq!(account["queues"][0]["name"], QUEUE);
    let state = control_get(&sandbox, "state").await;
    let reseeded = Seed::from_json(&state.to_string()).unwrap();
    assert_eq!(
        reseeded,
        sandbox.sandbox().snapshot(),
        "state replays as a seed"
    );

    let (status, _) = control_post(
        &sandbox,
        &format!("accounts/{MEMBER_A}"),
        &json!({"buckets": [{"name": LOCKED, "policy": {"Statement": []}}]}),
    )
    .await;
    assert_eq!(status, 200);
    let policy = clients(&sandbox, MEMBER_A)
        .s3
        .get_bucket_policy()
        .bucket(LOCKED)
        .send()
        .await
        .unwrap();
    assert_eq!(policy.policy(), Some(r#"{"Statement":[]}"#));

    for (bad, says) in [
        (
            json!({"buckets": [{"name": "Bad_Name"}]}),
            "not a valid bucket name",
        ),
        (
            json!({"queues": [{"name": "q", "region": "mars"}]}),
            "not a Region",
        ),
        (
            json!({"queues": [{"name": "q", "policy": "[]"}]}),
            "not a JSON object",
        ),
    ] {
        let (status, body) = control_post(&sandbox, &format!("accounts/{MEMBER_A}"), &bad).await;
        assert_eq!(status, 400, "{bad}");
        assert!(body["error"].as_str().unwrap().contains(says), "{body}");
    }
    let mut twice = unlock_seed();
    let copy = twice.accounts[1].buckets[0].clone();
    twice.accounts[2].buckets.push(copy);
    let err = twice.validated().unwrap_err().to_string();
    assert!(err.contains("unique across accounts"), "{err}");
}

/// Sends an S3 request for `path?policy` signed by hand, with `content_sha256` as the payload
/// header.
async fn signed_s3(
    sandbox: &ServerHandle,
    method: &str,
    path: &str,
    body: &[u8],
    content_sha256: &str,
) -> (u16, String) {
    let credentials = sandbox.credentials(MEMBER_A).unwrap();
    let at = time::OffsetDateTime::now_utc();
    let header = [("x-amz-content-sha256", content_sha256)];
    signed_request(
        sandbox,
        &credentials,
        "s3",
        (method, path, "policy"),
        &header,
        body,
        at,
    )
    .await
}

#[tokio::test]
async fn s3_takes_an_unsigned_payload_only_where_there_is_no_body() {
    let sandbox = start(unlock_seed()).await;
    let (status, body) = signed_s3(&sandbox, "GET", "/open-logs", b"", "UNSIGNED-PAYLOAD").await;
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("<Code>NoSuchBucketPolicy</Code>"), "{body}");
    let policy = br#"{"Statement":[]}"#;
    let (status, body) = signed_s3(&sandbox, "PUT", "/open-logs", policy, "UNSIGNED-PAYLOAD").await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body.contains("<Code>SignatureDoesNotMatch</Code>"),
        "{body}"
    );
    assert!(body.contains("UNSIGNED-PAYLOAD is not accepted"), "{body}");
    let signed = hex::encode(Sha256::digest(policy));
    let (status, body) = signed_s3(&sandbox, "PUT", "/open-logs", policy, &signed).await;
    assert_eq!(status, 204, "{body}");
    let state = sandbox.sandbox().snapshot();
    assert_eq!(
        state.account(MEMBER_A).unwrap().buckets[2]
            .policy
            .as_deref(),
        Some(r#"{"Statement":[]}"#)
    );
}
