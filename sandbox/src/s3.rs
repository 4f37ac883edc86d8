//! S3 bucket policies, what the `S3UnlockBucketPolicy` root task is for: `ListBuckets` and
//! `GetBucketPolicy` / `PutBucketPolicy` / `DeleteBucketPolicy` on path-style requests.
//!
//! A bucket answers only requests signed for its own Region: any other gets S3's
//! `301 PermanentRedirect` naming the bucket's Region in `x-amz-bucket-region`, before any
//! permission is checked. A bucket is its account's alone (other accounts get `AccessDenied`),
//! and a policy that denies everyone ([`crate::resource_policy`]) refuses the account's
//! administrators too; a root session with `S3UnlockBucketPolicy` on the owning account gets
//! past it, as the root user does in AWS. Root sessions with another task policy get nothing.

use super::engine::Ctx;
use super::error::{ApiError, Service};
use super::identity::{Caller, TaskPolicy};
use super::resource_policy::{check_access, denied};
use super::seed::Bucket;
use super::state::State;
use super::wire::query::XmlNode;
use super::wire::rest::{RestInput, RestOutput};
use axum::http::StatusCode;

/// The S3 operations.
pub const OPERATIONS: [&str; 4] = [
    "ListBuckets",
    "GetBucketPolicy",
    "PutBucketPolicy",
    "DeleteBucketPolicy",
];

/// What `S3UnlockBucketPolicy` allows, as IAM actions.
const UNLOCK_ACTIONS: [&str; 4] = [
    "s3:ListAllMyBuckets",
    "s3:GetBucketPolicy",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
];

/// The IAM action an operation needs.
fn action(operation: &str) -> String {
    match operation {
        "ListBuckets" => "s3:ListAllMyBuckets".to_owned(),
        other => format!("s3:{other}"),
    }
}

/// Runs one S3 operation.
pub fn handle(
    state: &mut State,
    ctx: &Ctx<'_>,
    operation: &str,
    input: &RestInput,
) -> Result<RestOutput, ApiError> {
    let action = action(operation);
    if let Caller::RootSession { task_policy, .. } = ctx.caller
        && (*task_policy != TaskPolicy::S3UnlockBucketPolicy
            || !UNLOCK_ACTIONS.contains(&action.as_str()))
    {
        return Err(denied(
            Service::S3,
            ctx.caller,
            &action,
            "because no session policy allows the action",
        ));
    }
    let Some(name) = &input.bucket else {
        return Ok(list_buckets(state, ctx.caller.account_id()));
    };
    let bucket = bucket_for(state, ctx, name, &action)?;
    match operation {
        "GetBucketPolicy" => match &bucket.policy {
            Some(policy) => Ok(RestOutput::raw("application/json", policy.clone())),
            None => Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "NoSuchBucketPolicy",
                "The bucket policy does not exist",
            )),
        },
        "DeleteBucketPolicy" => {
            bucket.policy = None;
            Ok(RestOutput::no_content())
        }
        "PutBucketPolicy" => {
            if !crate::seed::unlock::is_policy(&input.body) {
                return Err(ApiError::bad_request(
                    "MalformedPolicy",
                    "Policies must be valid JSON and the first byte must be '{'",
                ));
            }
            bucket.policy = Some(input.body.clone());
            Ok(RestOutput::no_content())
        }
        _ => Err(ApiError::unknown_operation(Service::S3, operation)),
    }
}

/// The bucket `name` once the caller may act on it with `action`: it exists, the request was
/// signed for its Region, it belongs to the caller's account, and its policy does not deny
/// the caller.
fn bucket_for<'a>(
    state: &'a mut State,
    ctx: &Ctx<'_>,
    name: &str,
    action: &str,
) -> Result<&'a mut Bucket, ApiError> {
    let caller = ctx.caller;
    let (owner, bucket) = state
        .model
        .accounts
        .iter_mut()
        .find_map(|account| {
            let bucket = account.buckets.iter_mut().find(|b| b.name == name)?;
            Some((account.id.as_str(), bucket))
        })
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "NoSuchBucket",
                "The specified bucket does not exist",
            )
        })?;
    if bucket.region != ctx.region {
        return Err(ApiError::new(
            StatusCode::MOVED_PERMANENTLY,
            "PermanentRedirect",
            "The bucket you are attempting to access must be addressed using the specified \
             endpoint. Please send all future requests to this endpoint.",
        )
        .with_header("x-amz-bucket-region", bucket.region.clone()));
    }
    check_access(
        Service::S3,
        caller,
        action,
        (owner, &format!("arn:aws:s3:::{name}")),
        bucket.policy.as_deref(),
    )?;
    Ok(bucket)
}

fn list_buckets(state: &State, account_id: &str) -> RestOutput {
    let buckets = state
        .account(account_id)
        .map(|account| account.buckets.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|bucket| {
            XmlNode::Element(
                "Bucket",
                vec![
                    XmlNode::text("Name", bucket.name.as_str()),
                    XmlNode::timestamp("CreationDate", bucket.created),
                    XmlNode::text("BucketRegion", bucket.region.as_str()),
                ],
            )
        })
        .collect();
    RestOutput::xml(
        "ListAllMyBucketsResult",
        &[
            XmlNode::Element(
                "Owner",
                vec![
                    XmlNode::text("ID", format!("sandbox-canonical-{account_id}")),
                    XmlNode::text("DisplayName", format!("account-{account_id}")),
                ],
            ),
            XmlNode::Element("Buckets", buckets),
        ],
    )
}
