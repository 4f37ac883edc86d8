//! What the unlock actions share: the checks of a bucket name and a queue URL at `validate`
//! time, what their progress lines say, the policy printed so it can be fixed and put back,
//! and where their failures point.

use crate::aws::unlock::bucket_name_problem;
use crate::aws::{AwsError, ErrorKind, QueueUrl};
use crate::cty::{AttributePath, Value};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::validators::{StringMatches, ValidateRequest, Validator};

use super::root_task::{ACCOUNT_ID, TARGETS};

/// AWS Region names: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`.
const REGION_PATTERN: &str = r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$";

/// The validator of a Region argument.
pub fn region() -> StringMatches {
    match StringMatches::new(REGION_PATTERN, "be an AWS Region name such as us-east-1") {
        Ok(validator) => validator,
        // A constant pattern: the tests compile it.
        Err(e) => unreachable!("invalid constant pattern: {e}"),
    }
}

/// The value must be a general purpose S3 bucket name.
#[derive(Debug, Clone, Copy, Default)]
pub struct BucketName;

impl Validator for BucketName {
    fn description(&self) -> String {
        "be an S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting \
         and ending with a letter or digit"
            .to_owned()
    }

    fn validate(&self, req: &ValidateRequest<'_>, diags: &mut Diagnostics) {
        let Value::String(name) = req.value else {
            return;
        };
        if let Some(problem) = bucket_name_problem(name) {
            diags.attribute_error(
                req.path.clone(),
                "Invalid bucket name",
                format!("An S3 bucket name must {problem}, got: {name:?}."),
            );
        }
    }
}

/// The value must be an SQS queue URL, of the account in `account_id` when that is known.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueueUrlOfAccount;

impl Validator for QueueUrlOfAccount {
    fn description(&self) -> String {
        "be an SQS queue URL, https://sqs.REGION.amazonaws.com/ACCOUNT/NAME, of the account \
         account_id names"
            .to_owned()
    }

    fn validate(&self, req: &ValidateRequest<'_>, diags: &mut Diagnostics) {
        let Value::String(url) = req.value else {
            return;
        };
        let queue = match QueueUrl::parse(url) {
            Ok(queue) => queue,
            Err(problem) => {
                return diags.attribute_error(
                    req.path.clone(),
                    "Invalid queue URL",
                    format!(
                        "Value must be an SQS queue URL such as \
                         https://sqs.us-east-1.amazonaws.com/222222222222/orders: {problem}, got: \
                         {url:?}."
                    ),
                );
            }
        };
        if let Some(Value::String(account_id)) = req.config.get_attr(ACCOUNT_ID)
            && account_id != queue.account_id()
        {
            diags.attribute_error(
                req.path.clone(),
                "Queue of another account",
                format!(
                    "The queue URL names account {}, but account_id is {account_id}: a root \
                     session acts on its own account's queues only. Set account_id to {} or \
                     use a queue URL of {account_id}.",
                    queue.account_id(),
                    queue.account_id()
                ),
            );
        }
    }
}

/// A bucket or queue as the progress lines of its unlock name it, so that both actions say
/// what they did in the same words.
#[derive(Debug, Clone, Copy)]
pub struct Locked<'a> {
    /// The member account.
    pub account_id: &'a str,
    /// `bucket` or `queue`.
    pub kind: &'static str,
    /// The bucket's or queue's name.
    pub name: &'a str,
    /// What the unlock does to the policy: `deleted` or `removed`.
    pub verb: &'static str,
}

impl Locked<'_> {
    /// The line for a bucket or queue without a policy, which the unlock leaves alone.
    pub fn no_policy(&self) -> String {
        let Self {
            account_id,
            kind,
            name,
            verb,
        } = self;
        format!(
            "{account_id}: {kind} {name} has no {kind} policy: nothing to unlock, nothing {verb}"
        )
    }

    /// The line that shows `policy` before it goes ([`policy_listing`]).
    pub fn listing(&self, policy: &str) -> String {
        let what = format!(
            "{}: the policy of {} {}",
            self.account_id, self.kind, self.name
        );
        policy_listing(&what, policy)
    }

    /// The line once the policy is gone.
    pub fn unlocked(&self) -> String {
        format!(
            "{}: the policy of {} {} is {}: the account's principals are no longer locked out \
             by it",
            self.account_id, self.kind, self.name, self.verb
        )
    }
}

/// `policy` as the progress line that shows it: pretty-printed JSON when it is JSON, between
/// lines that say where it ends, so that it can be fixed and put back.
pub fn policy_listing(what: &str, policy: &str) -> String {
    let shown = serde_json::from_str::<serde_json::Value>(policy)
        .ok()
        .and_then(|json| serde_json::to_string_pretty(&json).ok())
        .unwrap_or_else(|| policy.to_owned());
    format!(
        "{what} is, before it is deleted (fix it and put it back once the account is \
         unlocked):\n{shown}\n(end of the policy)"
    )
}

/// Adds `err` to `diags`: on `missing_at` when it says the bucket or queue does not exist,
/// on `account_id` when it is about the account, as [`TARGETS`] says otherwise.
pub fn report(diags: &mut Diagnostics, err: &AwsError, missing_at: &'static str) {
    let diagnostic = TARGETS.diagnostic(err);
    diags.push(match err.kind {
        ErrorKind::NoSuchBucket | ErrorKind::NoSuchQueue => {
            diagnostic.at(AttributePath::root(missing_at))
        }
        _ => diagnostic,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::Operation;
    use crate::framework::attributes;
    use crate::framework::validators::test_support::{assert_strings, run};

    #[test]
    fn bucket_names_and_regions_are_checked_with_the_rule_broken() {
        assert_strings(
            &BucketName,
            &[
                ("logs", false),
                ("Logs", true),
                ("a..b", true),
                ("ab", true),
            ],
        );
        let diags = run(&BucketName, Value::from("a..b"));
        let detail = &diags.iter().next().unwrap().detail;
        assert!(detail.contains("two dots in a row"), "{detail}");
        assert_strings(
            &region(),
            &[
                ("eu-west-1", false),
                ("us-gov-west-1", false),
                ("Europe", true),
            ],
        );
    }

    #[test]
    fn a_queue_url_must_be_one_of_the_account() {
        let validate = |url: &str, account: Value| {
            let path = AttributePath::root("queue_url");
            let value = Value::from(url);
            let config = attributes::object([(ACCOUNT_ID, account), ("queue_url", value.clone())]);
            let mut diags = Diagnostics::new();
            QueueUrlOfAccount.validate(
                &ValidateRequest {
                    path: &path,
                    value: &value,
                    config: &config,
                },
                &mut diags,
            );
            diags
        };
        let url = "https://sqs.us-east-1.amazonaws.com/222222222222/orders";
        assert!(validate(url, Value::from("222222222222")).is_empty());
        assert!(validate(url, Value::unknown()).is_empty(), "unknown yet");
        let other = validate(url, Value::from("333333333333"));
        let error = other.errors().next().expect("refused");
        assert_eq!(error.summary, "Queue of another account");
        assert!(
            error.detail.contains("names account 222222222222"),
            "{}",
            error.detail
        );
        let bad = validate("https://example.com/q", Value::from("222222222222"));
        assert_eq!(bad.errors().next().unwrap().summary, "Invalid queue URL");
    }

    #[test]
    fn a_missing_bucket_points_at_its_attribute_and_a_refusal_at_the_account() {
        let mut diags = Diagnostics::new();
        let missing = AwsError::of(Operation::GetBucketPolicy, ErrorKind::NoSuchBucket);
        report(&mut diags, &missing, "bucket");
        let refused = AwsError::of(
            Operation::AssumeRoot(crate::aws::TaskPolicy::S3UnlockBucketPolicy),
            ErrorKind::RootSessionDenied,
        );
        report(&mut diags, &refused, "bucket");
        let paths: Vec<_> = diags.iter().map(|d| d.attribute.clone()).collect();
        assert_eq!(
            paths,
            [
                Some(AttributePath::root("bucket")),
                Some(AttributePath::root(ACCOUNT_ID))
            ]
        );
    }

    #[test]
    fn both_unlocks_say_what_they_did_in_the_same_words() {
        let queue = Locked {
            account_id: "222222222222",
            kind: "queue",
            name: "orders",
            verb: "removed",
        };
        assert_eq!(
            queue.no_policy(),
            "222222222222: queue orders has no queue policy: nothing to unlock, nothing removed"
        );
        assert_eq!(
            queue.unlocked(),
            "222222222222: the policy of queue orders is removed: the account's principals are \
             no longer locked out by it"
        );
        assert!(
            queue
                .listing("{}")
                .starts_with("222222222222: the policy of queue orders is, before it is deleted")
        );
    }

    #[test]
    fn a_policy_is_listed_pretty_and_bounded() {
        let listing = policy_listing("Policy of bucket logs", r#"{"Version":"2012-10-17"}"#);
        assert!(
            listing.contains("{\n  \"Version\": \"2012-10-17\"\n}"),
            "{listing}"
        );
        assert!(listing.ends_with("(end of the policy)"));
        assert!(policy_listing("x", "not json").contains("\nnot json\n"));
    }
}
