//! Action `centralroot_unlock_s3_bucket_policy`: deletes a bucket policy that locks everyone
//! out of a member account's bucket, its own administrators included, through a root session
//! with `S3UnlockBucketPolicy`, after printing the policy so that it can be fixed and put back.

use async_trait::async_trait;

use crate::aws::{Aws, TaskPolicy, calls};
use crate::cty::{Type, Value};
use crate::framework::action::Progress;
use crate::framework::attributes;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::schema::{Attribute, Schema};
use crate::types_common::permissions::{Permissions, Step};
use crate::types_common::root_task::{self, ACCOUNT_ID};
use crate::types_common::root_task_action::RootTaskAction;
use crate::types_common::unlock::{self, BucketName, Locked};

/// The name configurations address this action by.
pub const TYPE_NAME: &str = "centralroot_unlock_s3_bucket_policy";

/// The bucket whose policy to delete.
pub const BUCKET: &str = "bucket";
/// The Region to ask first; S3's redirect names the bucket's own when it is elsewhere.
pub const REGION: &str = "region";

/// What the action may ask of AWS: its page's Permissions section, its share of the provider's
/// IAM policy, and what the end-to-end tests let it send.
pub const PERMISSIONS: Permissions = Permissions::new(&[
    (Step::Plan, &[calls::ORGANIZATION]),
    (Step::Invoke, &[calls::UNLOCK_BUCKET_POLICY]),
]);

/// The action.
#[derive(Debug, Clone, Copy, Default)]
pub struct UnlockS3BucketPolicyAction;

/// What one invocation unlocks.
pub struct Unlock {
    account_id: String,
    bucket: String,
    region: Option<String>,
}

#[async_trait]
impl RootTaskAction for UnlockS3BucketPolicyAction {
    const TASK_POLICY: TaskPolicy = TaskPolicy::S3UnlockBucketPolicy;
    type Config = Unlock;

    fn schema(&self) -> Schema {
        root_task::action_schema(
            "Deletes the policy of a member account's S3 bucket that denies everyone, \
             the account's own administrators included, through a root session \
             (sts:AssumeRoot with S3UnlockBucketPolicy). It prints the root session's \
             access key ID, task policy and time, then the policy as it was, so that it \
             can be fixed and put back, then deletes it. A bucket without a policy is \
             left alone. Terraform 1.14 or later; OpenTofu runs no actions (see the \
             guide for the equivalent AWS CLI steps).",
            "Deletes the policy of a member account's S3 bucket that denies everyone, \
             the account's own administrators included, through a root session \
             (`sts:AssumeRoot` with `S3UnlockBucketPolicy`): only the account's root \
             user can still read and delete such a policy.\n\n\
             **This action changes AWS.** Terraform's confirmation prompt for \
             `terraform apply -invoke=...` says that changes are written to the state \
             \"without modifying real infrastructure\": the action deletes the bucket \
             policy. Before it does, it prints the root session's access key ID, task \
             policy and time (what CloudTrail records, for auditors) and the policy as \
             it was, so that it can be fixed and put back (`aws s3api \
             put-bucket-policy`, or `aws_s3_bucket_policy` of `hashicorp/aws`). A \
             bucket without a policy is left alone, with a message.\n\n\
             A bucket in another Region than `region` is found through S3's redirect, \
             which names the bucket's Region. Terraform 1.14 or later; OpenTofu runs \
             no actions: the [unlock guide](../guides/unlock-a-bucket-or-queue.md) \
             gives the equivalent AWS CLI steps.",
            root_task::account_id_attribute(),
            [
                (
                    BUCKET,
                    Attribute::required(Type::String)
                        .description("The name of the member account's bucket.")
                        .validator(BucketName),
                ),
                (
                    REGION,
                    Attribute::optional(Type::String)
                        .description(
                            "The Region to ask S3 in first, e.g. `eu-west-1`; the provider's \
                             Region (`sts_region`, `region`, `AWS_REGION`, …) when null. A bucket \
                             elsewhere is found through S3's redirect.",
                        )
                        .validator(unlock::region()),
                ),
            ],
        )
    }

    fn read(config: &Value) -> Result<Unlock, attributes::AttributeError> {
        Ok(Unlock {
            account_id: attributes::string(config, ACCOUNT_ID)?,
            bucket: attributes::string(config, BUCKET)?,
            region: attributes::optional_string(config, REGION)?,
        })
    }

    async fn run(&self, aws: &Aws, unlock: Unlock, progress: &Progress, diags: &mut Diagnostics) {
        let Unlock {
            account_id,
            bucket,
            region,
        } = &unlock;
        let asked = region.clone().unwrap_or_else(|| aws.region().to_owned());
        let Some(session) = Self::open_session(aws, account_id, progress, diags).await else {
            return;
        };
        let found = match session.bucket_policy(bucket, &asked).await {
            Ok(found) => found,
            Err(err) => return unlock::report(diags, &err, BUCKET),
        };
        if found.region != asked {
            progress
                .send(format!(
                    "{account_id}: bucket {bucket} is in {}, not {asked}: S3 redirected there",
                    found.region
                ))
                .await;
        }
        let locked = Locked {
            account_id,
            kind: "bucket",
            name: bucket,
            verb: "deleted",
        };
        let Some(policy) = found.policy else {
            return progress.send(locked.no_policy()).await;
        };
        progress.send(locked.listing(&policy)).await;
        if let Err(err) = session.delete_bucket_policy(bucket, &found.region).await {
            return unlock::report(diags, &err, BUCKET);
        }
        progress.send(locked.unlocked()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::test_support::invoke;
    use crate::framework::action::InvokeResponse;
    use crate::resources::test_support::{sandbox, seed_with_trusted_access};
    use centralroot_sandbox::FaultConfig;
    use centralroot_sandbox::seed::unlock::deny_everyone;
    use centralroot_sandbox::seed::{Bucket, Feature};

    const MEMBER: &str = "222222222222";

    async fn unlock(
        bucket: &str,
        region: Value,
        buckets: Vec<Bucket>,
    ) -> (Vec<String>, InvokeResponse, centralroot_sandbox::Seed) {
        let mut seed = seed_with_trusted_access();
        seed.features.push(Feature::RootSessions);
        seed.accounts[1].buckets = buckets;
        let (handle, ctx) = sandbox(seed, FaultConfig::default()).await;
        let config = attributes::object([
            (ACCOUNT_ID, Value::from(MEMBER)),
            (BUCKET, Value::from(bucket)),
            (REGION, region),
        ]);
        let (lines, resp) = invoke(&UnlockS3BucketPolicyAction, &ctx, config).await;
        (lines, resp, handle.sandbox().snapshot())
    }

    #[tokio::test]
    async fn the_policy_is_shown_then_deleted_in_the_bucket_s_region() {
        let lock = deny_everyone("s3");
        let buckets = vec![Bucket::new("locked", "eu-west-1", Some(&lock))];
        let (lines, resp, model) = unlock("locked", Value::Null, buckets).await;
        assert!(!resp.diagnostics.has_errors(), "{:?}", resp.diagnostics);
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert!(lines[0].contains("(arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy"));
        assert!(lines[0].contains("root session ASIA"), "{}", lines[0]);
        assert!(lines[1].ends_with("is in eu-west-1, not us-east-1: S3 redirected there"));
        assert!(
            lines[2].contains("\"Sid\": \"DenyEveryone\""),
            "{}",
            lines[2]
        );
        assert!(lines[3].contains("is deleted"));
        assert_eq!(model.account(MEMBER).unwrap().buckets[0].policy, None);
    }

    #[tokio::test]
    async fn a_bucket_without_policy_is_left_alone_and_a_missing_one_is_an_error_on_bucket() {
        let buckets = vec![Bucket::new("open", "us-east-1", None)];
        let (lines, resp, _) = unlock("open", Value::from("us-east-1"), buckets).await;
        assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
        assert!(
            lines[1].contains("has no bucket policy: nothing to unlock"),
            "{lines:?}"
        );
        assert_eq!(lines.len(), 2);

        let (_, resp, _) = unlock("missing", Value::Null, Vec::new()).await;
        let error = resp.diagnostics.errors().next().expect("an error");
        assert_eq!(error.summary, "The bucket does not exist");
        assert_eq!(
            error.attribute,
            Some(crate::cty::AttributePath::root(BUCKET))
        );
    }
}
