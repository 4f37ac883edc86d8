//! Action `centralroot_unlock_sqs_queue_policy`: removes a queue policy that locks everyone
//! out of a member account's queue, its own administrators included, through a root session
//! with `SQSUnlockQueuePolicy`, after printing the policy so that it can be fixed and put back.

use async_trait::async_trait;

use crate::aws::{Aws, QueueUrl, TaskPolicy, calls};
use crate::cty::{AttributePath, Type, Value};
use crate::framework::action::Progress;
use crate::framework::attributes::{self, AttributeError};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::schema::{Attribute, Schema};
use crate::types_common::permissions::{Permissions, Step};
use crate::types_common::root_task::{self, ACCOUNT_ID};
use crate::types_common::root_task_action::RootTaskAction;
use crate::types_common::unlock::{self, Locked, QueueUrlOfAccount};

/// The name configurations address this action by.
pub const TYPE_NAME: &str = "centralroot_unlock_sqs_queue_policy";

/// The URL of the queue whose policy to remove.
pub const QUEUE_URL: &str = "queue_url";

/// What the action may ask of AWS: its page's Permissions section, its share of the provider's
/// IAM policy, and what the end-to-end tests let it send.
pub const PERMISSIONS: Permissions = Permissions::new(&[
    (Step::Plan, &[calls::ORGANIZATION]),
    (Step::Invoke, &[calls::UNLOCK_QUEUE_POLICY]),
]);

/// The action.
#[derive(Debug, Clone, Copy, Default)]
pub struct UnlockSqsQueuePolicyAction;

#[async_trait]
impl RootTaskAction for UnlockSqsQueuePolicyAction {
    const TASK_POLICY: TaskPolicy = TaskPolicy::SqsUnlockQueuePolicy;
    /// The account and the queue's URL.
    type Config = (String, String);

    fn schema(&self) -> Schema {
        root_task::action_schema(
            "Removes the policy of a member account's SQS queue that denies everyone, \
             the account's own administrators included, through a root session \
             (sts:AssumeRoot with SQSUnlockQueuePolicy). It prints the root session's \
             access key ID, task policy and time, then the policy as it was, so that it \
             can be fixed and put back, then removes it. A queue without a policy is \
             left alone. Terraform 1.14 or later; OpenTofu runs no actions (see the \
             guide for the equivalent AWS CLI steps).",
            "Removes the policy of a member account's SQS queue that denies everyone, \
             the account's own administrators included, through a root session \
             (`sts:AssumeRoot` with `SQSUnlockQueuePolicy`): only the account's root \
             user can still read and remove such a policy.\n\n\
             **This action changes AWS.** Terraform's confirmation prompt for \
             `terraform apply -invoke=...` says that changes are written to the state \
             \"without modifying real infrastructure\": the action removes the queue's \
             `Policy` attribute (`SetQueueAttributes` with an empty `Policy`). Before \
             it does, it prints the root session's access key ID, task policy and time \
             (what CloudTrail records, for auditors) and the policy as it was, so that \
             it can be fixed and put back (`aws sqs set-queue-attributes`, or \
             `aws_sqs_queue_policy` of `hashicorp/aws`). A queue without a policy is \
             left alone, with a message.\n\n\
             The calls go to the Region the queue URL names. Terraform 1.14 or later; \
             OpenTofu runs no actions: the \
             [unlock guide](../guides/unlock-a-bucket-or-queue.md) gives the equivalent \
             AWS CLI steps.",
            root_task::account_id_attribute(),
            [(
                QUEUE_URL,
                Attribute::required(Type::String)
                    .description(
                        "The queue's URL, e.g. \
                         `https://sqs.us-east-1.amazonaws.com/222222222222/orders`: it names \
                         the queue's Region and account, which must be `account_id`.",
                    )
                    .validator(QueueUrlOfAccount),
            )],
        )
    }

    fn read(config: &Value) -> Result<(String, String), AttributeError> {
        Ok((
            attributes::string(config, ACCOUNT_ID)?,
            attributes::string(config, QUEUE_URL)?,
        ))
    }

    async fn run(
        &self,
        aws: &Aws,
        (account_id, url): (String, String),
        progress: &Progress,
        diags: &mut Diagnostics,
    ) {
        let queue = match QueueUrl::parse(&url) {
            Ok(queue) => queue,
            Err(problem) => {
                return diags.attribute_error(
                    AttributePath::root(QUEUE_URL),
                    "Invalid queue URL",
                    problem.to_string(),
                );
            }
        };
        let Some(session) = Self::open_session(aws, &account_id, progress, diags).await else {
            return;
        };
        let locked = Locked {
            account_id: &account_id,
            kind: "queue",
            name: queue.name(),
            verb: "removed",
        };
        let policy = match session.queue_policy(&queue).await {
            Ok(Some(policy)) => policy,
            Ok(None) => return progress.send(locked.no_policy()).await,
            Err(err) => return unlock::report(diags, &err, QUEUE_URL),
        };
        progress.send(locked.listing(&policy)).await;
        if let Err(err) = session.delete_queue_policy(&queue).await {
            return unlock::report(diags, &err, QUEUE_URL);
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
    use centralroot_sandbox::seed::{Feature, Queue};

    const MEMBER: &str = "222222222222";

    async fn unlock(url: &str, queues: Vec<Queue>) -> (Vec<String>, InvokeResponse, Vec<Queue>) {
        let mut seed = seed_with_trusted_access();
        seed.features.push(Feature::RootSessions);
        seed.accounts[1].queues = queues;
        let (handle, ctx) = sandbox(seed, FaultConfig::default()).await;
        let config = attributes::object([
            (ACCOUNT_ID, Value::from(MEMBER)),
            (QUEUE_URL, Value::from(url)),
        ]);
        let (lines, resp) = invoke(&UnlockSqsQueuePolicyAction, &ctx, config).await;
        let model = handle.sandbox().snapshot();
        (lines, resp, model.account(MEMBER).unwrap().queues.clone())
    }

    #[tokio::test]
    async fn the_policy_is_shown_then_removed_in_the_queue_s_region() {
        let lock = deny_everyone("sqs");
        let queues = vec![Queue::new("orders", "eu-west-1", Some(&lock))];
        let url = "https://sqs.eu-west-1.amazonaws.com/222222222222/orders";
        let (lines, resp, queues) = unlock(url, queues).await;
        assert!(!resp.diagnostics.has_errors(), "{:?}", resp.diagnostics);
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines[0].contains("SQSUnlockQueuePolicy"), "{}", lines[0]);
        assert!(lines[1].contains("\"Action\": \"sqs:*\""), "{}", lines[1]);
        assert!(lines[2].contains("is removed"));
        assert_eq!(queues[0].policy, None);
    }

    #[tokio::test]
    async fn a_queue_without_policy_is_left_alone_and_a_missing_one_is_an_error_on_queue_url() {
        let queues = vec![Queue::new("open", "us-east-1", None)];
        let url = "https://sqs.us-east-1.amazonaws.com/222222222222/open";
        let (lines, resp, _) = unlock(url, queues).await;
        assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
        assert!(lines[1].contains("has no queue policy"), "{lines:?}");

        let url = "https://sqs.us-east-1.amazonaws.com/222222222222/missing";
        let (_, resp, _) = unlock(url, Vec::new()).await;
        let error = resp.diagnostics.errors().next().expect("an error");
        assert_eq!(error.summary, "The queue does not exist");
        assert_eq!(error.attribute, Some(AttributePath::root(QUEUE_URL)));
    }
}
