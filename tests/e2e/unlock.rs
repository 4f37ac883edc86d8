//! The unlock actions under real Terraform: a bucket or queue whose policy denies everyone
//! refuses the member account's own administrator (through the real SDK) until
//! `terraform apply -invoke=…` deletes the policy, after printing it and the root session's
//! evidence; a bucket in another Region than `region` is found through S3's redirect; a bucket
//! or queue without a policy is left alone; bad arguments fail `validate` on their line; the
//! sandbox's request log shows each task's calls, made with its own task policy and no other.

use std::collections::BTreeMap;

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_sqs::types::QueueAttributeName;
use centralroot_sandbox::Seed;
use centralroot_sandbox::seed::unlock::deny_everyone;
use centralroot_sandbox::seed::{Bucket, Queue};
use centralroot_sandbox::state::SessionKind;

use crate::support::sandbox::{MANAGEMENT, MEMBERS};
use crate::support::{Case, Cases, Run, SandboxFixture, Terraform, Workspace};
use crate::unauditable_member::root_access_seed;

const MEMBER: &str = MEMBERS[0];
/// A locked bucket in eu-west-1, which the configuration asks for in us-east-1.
const LOCKED_BUCKET: &str = "locked-eu-logs";
const OPEN_BUCKET: &str = "open-logs";
const LOCKED_QUEUE: &str = "https://sqs.eu-west-1.amazonaws.com/222222222222/orders";
const OPEN_QUEUE: &str = "https://sqs.us-east-1.amazonaws.com/222222222222/audit";

const S3_TASK: &str = "S3UnlockBucketPolicy";
const SQS_TASK: &str = "SQSUnlockQueuePolicy";

const HEADER: &str = r#"terraform {
  required_providers {
    centralroot = {
      source = "centralroot/centralroot"
    }
  }
}
"#;

/// Both features on, and the member holds a locked and an open bucket and queue.
fn unlock_seed() -> Seed {
    let mut seed = root_access_seed();
    let member = seed
        .accounts
        .iter_mut()
        .find(|a| a.id == MEMBER)
        .expect("seeded member");
    member.buckets = vec![
        Bucket::new(LOCKED_BUCKET, "eu-west-1", Some(&deny_everyone("s3"))),
        Bucket::new(OPEN_BUCKET, "us-east-1", None),
    ];
    member.queues = vec![
        Queue::new("orders", "eu-west-1", Some(&deny_everyone("sqs"))),
        Queue::new("audit", "us-east-1", None),
    ];
    seed.validated().expect("a valid seed")
}

fn config() -> String {
    format!(
        r#"{HEADER}
action "centralroot_unlock_s3_bucket_policy" "locked" {{
  config {{
    account_id = "{MEMBER}"
    bucket     = "{LOCKED_BUCKET}"
    region     = "us-east-1"
  }}
}}

action "centralroot_unlock_s3_bucket_policy" "open" {{
  config {{
    account_id = "{MEMBER}"
    bucket     = "{OPEN_BUCKET}"
  }}
}}

action "centralroot_unlock_sqs_queue_policy" "locked" {{
  config {{
    account_id = "{MEMBER}"
    queue_url  = "{LOCKED_QUEUE}"
  }}
}}

action "centralroot_unlock_sqs_queue_policy" "open" {{
  config {{
    account_id = "{MEMBER}"
    queue_url  = "{OPEN_QUEUE}"
  }}
}}
"#
    )
}

fn workspace(tf: &'static Terraform, fx: &SandboxFixture, name: &str) -> Workspace {
    let mut ws = Workspace::new(tf, name);
    fx.configure(&mut ws, MANAGEMENT);
    ws.write_main(&config());
    ws
}

fn invoke(ws: &Workspace, action: &str) -> Run {
    ws.run_ok(&[
        "apply",
        "-auto-approve",
        &format!("-invoke=action.{action}"),
    ])
}

/// The member administrator's credentials, as a provider for SDK clients.
fn admin(fx: &SandboxFixture) -> aws_credential_types::Credentials {
    let keys = fx.credentials(MEMBER);
    aws_credential_types::Credentials::new(
        keys.access_key_id,
        keys.secret_access_key,
        None,
        None,
        "member-admin",
    )
}

fn admin_s3(fx: &SandboxFixture, region: &str) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::Config::builder()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new(region.to_owned()))
            .endpoint_url(fx.endpoint_url())
            .force_path_style(true)
            .credentials_provider(admin(fx))
            .build(),
    )
}

fn admin_sqs(fx: &SandboxFixture, region: &str) -> aws_sdk_sqs::Client {
    aws_sdk_sqs::Client::from_conf(
        aws_sdk_sqs::Config::builder()
            .behavior_version(aws_sdk_sqs::config::BehaviorVersion::latest())
            .region(aws_sdk_sqs::config::Region::new(region.to_owned()))
            .endpoint_url(fx.endpoint_url())
            .credentials_provider(admin(fx))
            .build(),
    )
}

/// The error code the member's administrator gets reading the locked bucket's policy, or
/// `None` when the read succeeds.
fn admin_reads_bucket_policy(fx: &SandboxFixture) -> Result<Option<String>, String> {
    let s3 = admin_s3(fx, "eu-west-1");
    fx.block_on(s3.get_bucket_policy().bucket(LOCKED_BUCKET).send())
        .map(|out| out.policy().map(str::to_owned))
        .map_err(|err| err.code().unwrap_or("no code").to_owned())
}

/// The same for the locked queue's `Policy` attribute.
fn admin_reads_queue_policy(fx: &SandboxFixture) -> Result<Option<String>, String> {
    let sqs = admin_sqs(fx, "eu-west-1");
    let answer = fx.block_on(
        sqs.get_queue_attributes()
            .queue_url(LOCKED_QUEUE)
            .attribute_names(QueueAttributeName::Policy)
            .send(),
    );
    answer
        .map(|out| {
            out.attributes()
                .and_then(|a| a.get(&QueueAttributeName::Policy))
                .cloned()
        })
        .map_err(|err| err.code().unwrap_or("no code").to_owned())
}

/// The root-session calls of the request log: task policy → operation → count.
fn root_session_calls(fx: &SandboxFixture) -> BTreeMap<String, BTreeMap<String, u64>> {
    fx.requests().root_sessions
}

fn calls(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

/// Fails unless `run` shows the evidence line of a root session with `task`, and none of the
/// secrets of the sessions the sandbox issued.
fn assert_evidence_without_secrets(fx: &SandboxFixture, run: &Run, task: &str) {
    let sessions: Vec<_> = fx
        .sandbox()
        .sessions()
        .into_iter()
        .filter(|(_, s)| matches!(&s.kind, SessionKind::Root(p) if p.name() == task))
        .collect();
    assert_eq!(sessions.len(), 1, "one root session with {task}");
    let (key, session) = &sessions[0];
    let evidence = regex::Regex::new(&format!(
        "{MEMBER}: root session {key} \\(arn:aws:iam::aws:policy/root-task/{task}\\), opened \
         [0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T[0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}Z"
    ))
    .expect("a valid pattern");
    assert!(evidence.is_match(&run.stdout), "no evidence line:\n{run}");
    for secret in [&session.secret, &session.token] {
        for text in [&run.stdout, &run.stderr, &run.log] {
            assert!(
                !text.contains(secret.as_str()),
                "a session secret leaked:\n{run}"
            );
        }
    }
}

fn a_locked_bucket_is_unlocked_after_its_policy_is_shown(tf: &'static Terraform) {
    let fx = SandboxFixture::start(unlock_seed());
    let ws = workspace(tf, &fx, "unlock-bucket");
    assert_eq!(
        admin_reads_bucket_policy(&fx),
        Err("AccessDenied".to_owned()),
        "the administrator is locked out before"
    );
    fx.reset_requests();

    let run = invoke(&ws, "centralroot_unlock_s3_bucket_policy.locked");
    assert_evidence_without_secrets(&fx, &run, S3_TASK);
    run.assert_output_contains(&format!(
        "{MEMBER}: bucket {LOCKED_BUCKET} is in eu-west-1, not us-east-1: S3 redirected there"
    ))
    .assert_output_contains(&format!(
        "{MEMBER}: the policy of bucket {LOCKED_BUCKET} is, before it is deleted"
    ))
    .assert_output_contains(r#""Sid": "DenyEveryone""#)
    .assert_output_contains(r#""Action": "s3:*""#)
    .assert_output_contains(&format!(
        "{MEMBER}: the policy of bucket {LOCKED_BUCKET} is deleted"
    ));
    assert_eq!(
        admin_reads_bucket_policy(&fx),
        Err("NoSuchBucketPolicy".to_owned()),
        "the administrator reads the bucket after: it has no policy left"
    );

    let calls_made = root_session_calls(&fx);
    assert_eq!(
        calls_made.keys().collect::<Vec<_>>(),
        [S3_TASK],
        "{calls_made:?}"
    );
    assert_eq!(
        calls_made[S3_TASK],
        calls(&[("DeleteBucketPolicy", 1), ("GetBucketPolicy", 2)]),
        "the read, again after the redirect, and the delete"
    );
    let opened = fx.requests().root_sessions_opened;
    assert_eq!(opened[MEMBER], calls(&[(S3_TASK, 1)]));

    fx.reset_requests();
    let run = invoke(&ws, "centralroot_unlock_s3_bucket_policy.open");
    run.assert_output_contains(&format!(
        "{MEMBER}: bucket {OPEN_BUCKET} has no bucket policy: nothing to unlock, nothing deleted"
    ));
    assert_eq!(
        root_session_calls(&fx)[S3_TASK],
        calls(&[("GetBucketPolicy", 1)]),
        "nothing deleted"
    );
}

fn a_locked_queue_is_unlocked_after_its_policy_is_shown(tf: &'static Terraform) {
    let fx = SandboxFixture::start(unlock_seed());
    let ws = workspace(tf, &fx, "unlock-queue");
    assert_eq!(
        admin_reads_queue_policy(&fx),
        Err("AccessDenied".to_owned()),
        "the administrator is locked out before"
    );
    fx.reset_requests();

    let run = invoke(&ws, "centralroot_unlock_sqs_queue_policy.locked");
    assert_evidence_without_secrets(&fx, &run, SQS_TASK);
    run.assert_output_contains(&format!(
        "{MEMBER}: the policy of queue orders is, before it is deleted"
    ))
    .assert_output_contains(r#""Action": "sqs:*""#)
    .assert_output_contains(&format!("{MEMBER}: the policy of queue orders is removed"));
    assert_eq!(
        admin_reads_queue_policy(&fx),
        Ok(None),
        "the administrator reads the queue after: it has no policy left"
    );
    let calls_made = root_session_calls(&fx);
    assert_eq!(
        calls_made.keys().collect::<Vec<_>>(),
        [SQS_TASK],
        "{calls_made:?}"
    );
    assert_eq!(
        calls_made[SQS_TASK],
        calls(&[("GetQueueAttributes", 1), ("SetQueueAttributes", 1)])
    );

    fx.reset_requests();
    let run = invoke(&ws, "centralroot_unlock_sqs_queue_policy.open");
    run.assert_output_contains(&format!(
        "{MEMBER}: queue audit has no queue policy: nothing to unlock, nothing removed"
    ));
    assert_eq!(
        root_session_calls(&fx)[SQS_TASK],
        calls(&[("GetQueueAttributes", 1)]),
        "nothing removed"
    );
}

fn bad_arguments_fail_validate_on_their_line_and_the_management_account_fails_plan(
    tf: &'static Terraform,
) {
    let fx = SandboxFixture::start(unlock_seed());
    let mut ws = Workspace::new(tf, "unlock-invalid");
    fx.configure(&mut ws, MANAGEMENT);
    ws.write_main(&format!(
        r#"{HEADER}
action "centralroot_unlock_s3_bucket_policy" "bad" {{
  config {{
    account_id = "{MEMBER}"
    bucket     = "Locked..Logs"
  }}
}}

action "centralroot_unlock_sqs_queue_policy" "bad" {{
  config {{
    account_id = "{MEMBER}"
    queue_url  = "https://sqs.us-east-1.amazonaws.com/333333333333/orders"
  }}
}}
"#
    ));
    let (validation, run) = ws.validate();
    assert!(!validation.valid, "{run}");
    let bucket = validation
        .errors()
        .find(|d| d.summary == "Invalid bucket name")
        .unwrap_or_else(|| panic!("no bucket error:\n{run}"));
    assert_eq!(
        bucket.line,
        Some(ws.line_of("main.tf", "Locked..Logs")),
        "{bucket}"
    );
    assert!(bucket.mentions("lowercase"), "{bucket}");
    let queue = validation
        .errors()
        .find(|d| d.summary == "Queue of another account")
        .unwrap_or_else(|| panic!("no queue error:\n{run}"));
    assert_eq!(
        queue.line,
        Some(ws.line_of("main.tf", "333333333333/orders")),
        "{queue}"
    );
    assert!(
        queue.mentions(&format!("account_id is {MEMBER}")),
        "{queue}"
    );

    ws.write_main(&format!(
        r#"{HEADER}
action "centralroot_unlock_s3_bucket_policy" "management" {{
  config {{
    account_id = "{MANAGEMENT}"
    bucket     = "{OPEN_BUCKET}"
  }}
}}
"#
    ));
    let run = ws.run(&[
        "apply",
        "-auto-approve",
        "-invoke=action.centralroot_unlock_s3_bucket_policy.management",
    ]);
    run.assert_failure()
        .assert_output_contains("The management account has no root session");
    assert_eq!(fx.calls("AssumeRoot"), 0, "refused before any root session");
}

pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::each_cli(
            "a_locked_bucket_is_unlocked_after_its_policy_is_shown",
            a_locked_bucket_is_unlocked_after_its_policy_is_shown,
        )
        .needs(1, 14, "actions"),
        Case::each_cli(
            "a_locked_queue_is_unlocked_after_its_policy_is_shown",
            a_locked_queue_is_unlocked_after_its_policy_is_shown,
        )
        .needs(1, 14, "actions"),
        Case::each_cli(
            "bad_arguments_fail_validate_on_their_line_and_the_management_account_fails_plan",
            bad_arguments_fail_validate_on_their_line_and_the_management_account_fails_plan,
        )
        .needs(1, 14, "actions"),
    ],
);
