//! What the two unlock root tasks act on: S3 buckets and SQS queues of an account, each in a
//! Region and with an optional resource policy.
//!
//! In a seed a policy may be written as a JSON object or as the JSON text itself; it is kept
//! as text, as S3 and SQS keep what was put.
//!
//! ```json
//! {"id": "222222222222",
//!  "buckets": [{"name": "locked-logs", "region": "eu-west-1",
//!               "policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
//!                          "Principal": "*", "Action": "s3:*", "Resource": "*"}]}}],
//!  "queues": [{"name": "orders", "region": "us-east-1", "policy": null}]}
//! ```

use super::{SEED_EPOCH, seed_epoch};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// The Region of a bucket or queue a seed leaves out.
pub const DEFAULT_REGION: &str = "us-east-1";

/// A bucket or a queue: a named object of one Region whose resource policy may lock
/// everyone out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Locked {
    /// The name: a bucket's is unique across every account, a queue's in its account and
    /// Region.
    pub name: String,
    /// Where it lives: a bucket redirects requests signed for another Region, a queue's URL
    /// names its Region.
    #[serde(default = "default_region")]
    pub region: String,
    /// The bucket policy or the queue's `Policy` attribute, as JSON text.
    #[serde(default, deserialize_with = "policy_text")]
    pub policy: Option<String>,
    /// Epoch seconds.
    #[serde(default = "seed_epoch")]
    pub created: i64,
}

/// An S3 bucket.
pub type Bucket = Locked;
/// An SQS queue.
pub type Queue = Locked;

impl Locked {
    /// One of `region` with `policy`, created at the seed epoch.
    pub fn new(name: &str, region: &str, policy: Option<&str>) -> Self {
        Locked {
            name: name.to_owned(),
            region: region.to_owned(),
            policy: policy.map(str::to_owned),
            created: SEED_EPOCH,
        }
    }

    /// As a queue: `https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`, as AWS writes queue URLs.
    pub fn url(&self, account_id: &str) -> String {
        queue_url(&self.region, account_id, &self.name)
    }

    /// As a queue: `arn:aws:sqs:REGION:ACCOUNT:NAME`.
    pub fn arn(&self, account_id: &str) -> String {
        format!("arn:aws:sqs:{}:{account_id}:{}", self.region, self.name)
    }
}

/// The URL AWS gives the queue `name` of `account_id` in `region`.
pub fn queue_url(region: &str, account_id: &str, name: &str) -> String {
    format!("https://sqs.{region}.amazonaws.com/{account_id}/{name}")
}

/// A policy that denies every principal every action of its service, the lock-out the unlock
/// tasks exist for (`Effect: Deny`, `Principal: "*"`, `Action: "s3:*"`).
pub fn deny_everyone(service: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyEveryone",
            "Effect": "Deny",
            "Principal": "*",
            "Action": format!("{service}:*"),
            "Resource": "*"
        }]
    })
    .to_string()
}

fn default_region() -> String {
    DEFAULT_REGION.to_owned()
}

/// A policy written as JSON text or as a JSON object, kept as text.
fn policy_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text),
        Some(other) => Some(other.to_string()),
    })
}

/// Whether `name` follows S3's rules for general purpose bucket names: 3 to 63 lowercase
/// letters, digits, dots and hyphens, starting and ending with a letter or digit, no two dots
/// in a row, not an IP address.
pub fn is_bucket_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (3..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-'))
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && !name.contains("..")
        && name.parse::<std::net::Ipv4Addr>().is_err()
}

/// Whether `name` is an SQS queue name: 1 to 80 letters, digits, hyphens and underscores,
/// with `.fifo` after them for a FIFO queue.
pub fn is_queue_name(name: &str) -> bool {
    let base = name.strip_suffix(".fifo").unwrap_or(name);
    (1..=80).contains(&base.len())
        && base
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
}

/// Whether `region` looks like an AWS Region name (`us-east-1`, `us-gov-west-1`).
pub fn is_region(region: &str) -> bool {
    let mut parts = region.split('-');
    let Some(first) = parts.next() else {
        return false;
    };
    let rest: Vec<&str> = parts.collect();
    first.len() == 2
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && rest.len() >= 2
        && rest[..rest.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && rest[rest.len() - 1]
            .parse::<u8>()
            .is_ok_and(|n| n > 0 && !rest[rest.len() - 1].starts_with('0'))
}

/// Whether `policy` is a JSON object, as AWS requires of a resource policy.
pub fn is_policy(policy: &str) -> bool {
    matches!(serde_json::from_str::<Value>(policy), Ok(Value::Object(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_regions_follow_aws_rules() {
        for good in ["abc", "my.logs-2024", "a1b"] {
            assert!(is_bucket_name(good), "{good}");
        }
        for bad in ["ab", "Upper", "-abc", "abc-", "a..b", "192.168.1.1", "a_b"] {
            assert!(!is_bucket_name(bad), "{bad}");
        }
        assert!(is_queue_name("orders") && is_queue_name("orders_2.fifo"));
        assert!(!is_queue_name("") && !is_queue_name("a.b") && !is_queue_name(&"q".repeat(81)));
        for good in ["us-east-1", "eu-central-2", "us-gov-west-1"] {
            assert!(is_region(good), "{good}");
        }
        for bad in ["us-east", "US-east-1", "useast1", "us-east-01", "u-east-1"] {
            assert!(!is_region(bad), "{bad}");
        }
    }

    #[test]
    fn a_policy_is_kept_as_text_whether_written_as_text_or_object() {
        let text: Bucket =
            serde_json::from_str(r#"{"name": "abc", "policy": "{\"Version\":\"2012-10-17\"}"}"#)
                .unwrap();
        let object: Bucket =
            serde_json::from_str(r#"{"name": "abc", "policy": {"Version": "2012-10-17"}}"#)
                .unwrap();
        assert_eq!(text, object);
        assert_eq!(text.region, DEFAULT_REGION);
        assert!(is_policy(text.policy.as_deref().unwrap()));
        assert!(!is_policy("[1]"));
        let none: Queue = serde_json::from_str(r#"{"name": "q", "policy": null}"#).unwrap();
        assert_eq!(none.policy, None);
        assert_eq!(
            none.url("222222222222"),
            "https://sqs.us-east-1.amazonaws.com/222222222222/q"
        );
    }
}
