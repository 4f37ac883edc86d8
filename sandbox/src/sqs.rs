//! SQS queue policies, what the `SQSUnlockQueuePolicy` root task is for: `GetQueueUrl`,
//! `ListQueues`, `GetQueueAttributes` and `SetQueueAttributes` (the `Policy` attribute; an
//! empty one removes it), in awsJson1_0.
//!
//! A queue is addressed by its URL, which names its Region and account; a request signed for
//! another Region does not find it (`AWS.SimpleQueueService.NonExistentQueue`), as SQS's
//! endpoints are regional. A queue is its account's alone, and a policy that denies everyone
//! ([`crate::resource_policy`]) refuses the account's administrators too; a root session with
//! `SQSUnlockQueuePolicy` on the owning account gets past it. Root sessions with another task
//! policy get nothing.

use super::engine::Ctx;
use super::error::{ApiError, Service};
use super::identity::{Caller, TaskPolicy};
use super::resource_policy::{check_access, denied};
use super::seed::Queue;
use super::seed::unlock::{is_policy, queue_url};
use super::state::State;
use serde_json::{Map, Value, json};

/// The SQS operations.
pub const OPERATIONS: [&str; 4] = [
    "GetQueueUrl",
    "ListQueues",
    "GetQueueAttributes",
    "SetQueueAttributes",
];

/// The queue attributes the sandbox keeps or derives.
const ATTRIBUTES: [&str; 3] = ["Policy", "QueueArn", "CreatedTimestamp"];

fn non_existent() -> ApiError {
    ApiError::bad_request(
        "AWS.SimpleQueueService.NonExistentQueue",
        "The specified queue does not exist.",
    )
}

fn string<'a>(input: &'a Map<String, Value>, name: &str) -> Result<&'a str, ApiError> {
    input.get(name).and_then(Value::as_str).ok_or_else(|| {
        ApiError::bad_request(
            "MissingParameter",
            format!("The request must contain the parameter {name}."),
        )
    })
}

/// Runs one SQS operation.
pub fn handle(
    state: &mut State,
    ctx: &Ctx<'_>,
    operation: &str,
    input: &Map<String, Value>,
) -> Result<Value, ApiError> {
    let action = format!("sqs:{operation}");
    if let Caller::RootSession { task_policy, .. } = ctx.caller
        && *task_policy != TaskPolicy::SqsUnlockQueuePolicy
    {
        return Err(denied(
            Service::Sqs,
            ctx.caller,
            &action,
            "because no session policy allows the action",
        ));
    }
    let caller_account = ctx.caller.account_id().to_owned();
    match operation {
        "ListQueues" => {
            let prefix = input
                .get("QueueNamePrefix")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let urls: Vec<String> = state
                .account(&caller_account)
                .map(|account| account.queues.as_slice())
                .unwrap_or_default()
                .iter()
                .filter(|q| q.region == ctx.region && q.name.starts_with(prefix))
                .map(|q| q.url(&caller_account))
                .collect();
            Ok(if urls.is_empty() {
                json!({})
            } else {
                json!({"QueueUrls": urls})
            })
        }
        "GetQueueUrl" => {
            let name = string(input, "QueueName")?;
            let owner = input
                .get("QueueOwnerAWSAccountId")
                .and_then(Value::as_str)
                .unwrap_or(&caller_account)
                .to_owned();
            let url = queue_url(ctx.region, &owner, name);
            queue_for(state, ctx, &url, &action)?;
            Ok(json!({"QueueUrl": url}))
        }
        "GetQueueAttributes" => {
            let url = string(input, "QueueUrl")?.to_owned();
            let wanted: Vec<&str> = input
                .get("AttributeNames")
                .and_then(Value::as_array)
                .map(|names| names.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let (owner, queue) = queue_for(state, ctx, &url, &action)?;
            let mut attributes = Map::new();
            for name in ATTRIBUTES {
                if !wanted.iter().any(|w| *w == name || *w == "All") {
                    continue;
                }
                let value = match name {
                    "Policy" => queue.policy.clone(),
                    "QueueArn" => Some(queue.arn(&owner)),
                    _ => Some(queue.created.to_string()),
                };
                if let Some(value) = value {
                    attributes.insert(name.to_owned(), Value::from(value));
                }
            }
            Ok(json!({"Attributes": attributes}))
        }
        "SetQueueAttributes" => {
            let url = string(input, "QueueUrl")?.to_owned();
            let attributes = input
                .get("Attributes")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let (_, queue) = queue_for(state, ctx, &url, &action)?;
            let policy = match attributes.iter().next() {
                Some((name, value)) if name == "Policy" && attributes.len() == 1 => {
                    value.as_str().unwrap_or_default()
                }
                Some((name, _)) if name != "Policy" => {
                    return Err(ApiError::bad_request(
                        "InvalidAttributeName",
                        format!("Unknown Attribute {name}."),
                    ));
                }
                _ => {
                    return Err(ApiError::bad_request(
                        "InvalidAttributeName",
                        "The sandbox sets the Policy attribute only, alone.",
                    ));
                }
            };
            if policy.is_empty() {
                queue.policy = None;
            } else if is_policy(policy) {
                queue.policy = Some(policy.to_owned());
            } else {
                return Err(ApiError::bad_request(
                    "InvalidAttributeValue",
                    "Invalid value for the parameter Policy.",
                ));
            }
            Ok(json!({}))
        }
        _ => Err(ApiError::unknown_operation(Service::Sqs, operation)),
    }
}

/// Where a queue URL points: its Region (from the host, `sqs.REGION.…` or `REGION.queue.…`),
/// account and name.
fn parse_url(url: &str) -> Option<(&str, &str, &str)> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/')?;
    let labels: Vec<&str> = host.split('.').collect();
    let region = match labels.as_slice() {
        ["sqs", region, ..] => *region,
        [region, "queue", ..] => *region,
        _ => return None,
    };
    let (account, name) = path.split_once('/')?;
    Some((region, account, name))
}

/// The queue `url` names, with its owner, once the caller may act on it with `action`: it
/// exists in the Region the request was signed for, it belongs to the caller's account, and
/// its policy does not deny the caller.
fn queue_for<'a>(
    state: &'a mut State,
    ctx: &Ctx<'_>,
    url: &str,
    action: &str,
) -> Result<(String, &'a mut Queue), ApiError> {
    let caller = ctx.caller;
    let (region, owner, name) = parse_url(url).ok_or_else(|| {
        ApiError::bad_request(
            "InvalidAddress",
            format!("The address {url} is not valid for this endpoint."),
        )
    })?;
    if region != ctx.region {
        return Err(non_existent());
    }
    let queue = state
        .account_mut(owner)
        .and_then(|account| {
            account
                .queues
                .iter_mut()
                .find(|q| q.region == region && q.name == name)
        })
        .ok_or_else(non_existent)?;
    check_access(
        Service::Sqs,
        caller,
        action,
        (owner, &queue.arn(owner)),
        queue.policy.as_deref(),
    )?;
    Ok((owner.to_owned(), queue))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_urls_name_region_account_and_queue() {
        assert_eq!(
            parse_url("https://sqs.eu-west-1.amazonaws.com/222222222222/orders"),
            Some(("eu-west-1", "222222222222", "orders"))
        );
        assert_eq!(
            parse_url("https://us-east-1.queue.amazonaws.com/222222222222/q.fifo"),
            Some(("us-east-1", "222222222222", "q.fifo"))
        );
        assert_eq!(parse_url("https://example.com/222222222222/q"), None);
        assert_eq!(parse_url("sqs.us-east-1.amazonaws.com/1/q"), None);
    }
}
