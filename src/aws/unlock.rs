//! The unlock root tasks: a bucket policy or a queue policy that denies every principal locks
//! out the account's own administrators, and only the account's root user can still read and
//! delete it. A root session with `S3UnlockBucketPolicy` or `SQSUnlockQueuePolicy` does that.
//!
//! The calls, for every type that unlocks: `GetBucketPolicy` (twice when S3 redirects to the
//! bucket's Region) and `DeleteBucketPolicy`; `GetQueueAttributes` (`Policy`) and
//! `SetQueueAttributes` (an empty `Policy`). Each is signed with the session's credentials
//! through the provider's one S3 or SQS client, as IAM calls are ([`RootSession`]).
//!
//! A bucket's Region is found from S3 itself: a request signed for another Region is answered
//! with a redirect (`301 PermanentRedirect`, or `400 AuthorizationHeaderMalformed` at some
//! endpoints) whose `x-amz-bucket-region` header names it, and the read is sent again there.

use std::fmt;

use aws_sdk_s3::config::{IdentityCache, Region};
use aws_sdk_sqs::types::QueueAttributeName;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;

use super::root_credentials::RootSession;
use super::{AwsError, Operation};

/// The header of S3 answers that names a bucket's Region.
const BUCKET_REGION: &str = "x-amz-bucket-region";

/// A bucket's policy as S3 answered it, and the Region the bucket answered from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketPolicy {
    /// The bucket's Region: the one asked for, or the one S3 redirected to.
    pub region: String,
    /// The policy document; `None` when the bucket has none.
    pub policy: Option<String>,
}

/// Why a name cannot be a general purpose bucket's, in S3's rules; `None` when it can.
pub fn bucket_name_problem(name: &str) -> Option<&'static str> {
    const PREFIXES: [&str; 3] = ["xn--", "sthree-", "amzn-s3-demo-"];
    const SUFFIXES: [&str; 5] = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];
    let bytes = name.as_bytes();
    if !(3..=63).contains(&bytes.len()) {
        Some("be 3 to 63 characters long")
    } else if !bytes
        .iter()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-'))
    {
        Some("hold only lowercase letters, digits, dots and hyphens")
    } else if !bytes[0].is_ascii_alphanumeric() || !bytes[bytes.len() - 1].is_ascii_alphanumeric() {
        Some("begin and end with a letter or digit")
    } else if name.contains("..") {
        Some("not hold two dots in a row")
    } else if name.parse::<std::net::Ipv4Addr>().is_ok() {
        Some("not be an IP address")
    } else if PREFIXES.iter().any(|p| name.starts_with(p))
        || SUFFIXES.iter().any(|s| name.ends_with(s))
    {
        Some("not use a prefix or suffix S3 reserves (xn--, sthree-, -s3alias, --ol-s3, …)")
    } else {
        None
    }
}

/// An SQS queue URL, `https://sqs.REGION.amazonaws.com/ACCOUNT/NAME` (or the older
/// `https://REGION.queue.amazonaws.com/…`): the queue's Region, account and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueUrl {
    url: String,
    region: String,
    account_id: String,
    name: String,
}

/// A text that is not a queue URL, with what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidQueueUrl(&'static str);

fn is_region(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].parse::<u8>().is_ok()
}

impl QueueUrl {
    /// Reads a queue URL.
    pub fn parse(url: &str) -> Result<Self, InvalidQueueUrl> {
        let rest = url
            .strip_prefix("https://")
            .ok_or(InvalidQueueUrl("a queue URL starts with https://"))?;
        let (host, path) = rest
            .split_once('/')
            .ok_or(InvalidQueueUrl("a queue URL has a path: /ACCOUNT/NAME"))?;
        let labels: Vec<&str> = host.split('.').collect();
        let region = match labels.as_slice() {
            ["sqs", region, _, _, ..] | [region, "queue", _, _, ..] if is_region(region) => region,
            _ => {
                return Err(InvalidQueueUrl(
                    "the host of a queue URL names its Region: sqs.REGION.amazonaws.com",
                ));
            }
        };
        let (account_id, name) = path
            .split_once('/')
            .ok_or(InvalidQueueUrl("the path of a queue URL is /ACCOUNT/NAME"))?;
        if account_id.len() != 12 || !account_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidQueueUrl(
                "the path of a queue URL starts with the 12-digit ID of the queue's account",
            ));
        }
        let base = name.strip_suffix(".fifo").unwrap_or(name);
        let valid_name = (1..=80).contains(&base.len())
            && base
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
        if !valid_name {
            return Err(InvalidQueueUrl(
                "a queue name (after the account ID) is 1 to 80 letters, digits, hyphens and \
                 underscores, then .fifo for a FIFO queue",
            ));
        }
        Ok(Self {
            url: url.to_owned(),
            region: (*region).to_owned(),
            account_id: account_id.to_owned(),
            name: name.to_owned(),
        })
    }

    /// The Region the URL names.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The account that owns the queue.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The queue's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for QueueUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

/// The Region an S3 answer names for the bucket, when it names one other than `asked`.
fn redirect<E>(err: &SdkError<E, Response>, asked: &str) -> Option<String> {
    let region = err.raw_response()?.headers().get(BUCKET_REGION)?;
    (region != asked).then(|| region.to_owned())
}

impl RootSession<'_> {
    /// The per-call configuration that signs an S3 call with this session's credentials, for
    /// `region`, and tells the adaptive limit on root sessions how each attempt went.
    fn s3_signing(&self, region: &str) -> aws_sdk_s3::config::Builder {
        let mut signing = aws_sdk_s3::config::Builder::default()
            .region(Region::new(region.to_owned()))
            .interceptor(self.throttle_observer());
        signing.set_credentials_provider(Some(self.credentials()));
        signing.set_identity_cache(IdentityCache::no_cache());
        signing
    }

    /// The per-call configuration that signs an SQS call with this session's credentials, for
    /// `region`, and tells the adaptive limit on root sessions how each attempt went.
    fn sqs_signing(&self, region: &str) -> aws_sdk_sqs::config::Builder {
        let mut signing = aws_sdk_sqs::config::Builder::default()
            .region(aws_sdk_sqs::config::Region::new(region.to_owned()))
            .interceptor(self.throttle_observer());
        signing.set_credentials_provider(Some(self.credentials()));
        signing.set_identity_cache(aws_sdk_sqs::config::IdentityCache::no_cache());
        signing
    }

    async fn get_bucket_policy(
        &self,
        bucket: &str,
        region: &str,
    ) -> Result<
        Option<String>,
        SdkError<aws_sdk_s3::operation::get_bucket_policy::GetBucketPolicyError, Response>,
    > {
        let answer = self
            .aws()
            .s3
            .get_bucket_policy()
            .bucket(bucket)
            .customize()
            .config_override(self.s3_signing(region))
            .send()
            .await;
        match answer {
            Ok(out) => Ok(out.policy().map(str::to_owned)),
            Err(err)
                if err.as_service_error().and_then(|e| e.meta().code())
                    == Some("NoSuchBucketPolicy") =>
            {
                Ok(None)
            }
            Err(err) => Err(err),
        }
    }

    /// The policy of `bucket`, asked in `region` and, when S3 answers that the bucket is in
    /// another Region, asked again there (once).
    pub async fn bucket_policy(
        &self,
        bucket: &str,
        region: &str,
    ) -> Result<BucketPolicy, AwsError> {
        let classify = |err| AwsError::from_sdk(Operation::GetBucketPolicy, err, None);
        match self.get_bucket_policy(bucket, region).await {
            Ok(policy) => Ok(BucketPolicy {
                region: region.to_owned(),
                policy,
            }),
            Err(err) => match redirect(&err, region) {
                Some(actual) => {
                    tracing::info!(bucket, asked = region, region = %actual, "S3 redirected to the bucket's Region");
                    let policy = self
                        .get_bucket_policy(bucket, &actual)
                        .await
                        .map_err(classify)?;
                    Ok(BucketPolicy {
                        region: actual,
                        policy,
                    })
                }
                None => Err(classify(err)),
            },
        }
    }

    /// Deletes the policy of `bucket`, in the Region it answered from.
    pub async fn delete_bucket_policy(&self, bucket: &str, region: &str) -> Result<(), AwsError> {
        self.aws()
            .s3
            .delete_bucket_policy()
            .bucket(bucket)
            .customize()
            .config_override(self.s3_signing(region))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(Operation::DeleteBucketPolicy, e, None))?;
        tracing::info!(
            account_id = self.account_id(),
            access_key_id = self.access_key_id(),
            bucket,
            "deleted a bucket policy"
        );
        Ok(())
    }

    /// The `Policy` attribute of `queue`; `None` when it has none.
    pub async fn queue_policy(&self, queue: &QueueUrl) -> Result<Option<String>, AwsError> {
        let answer = self
            .aws()
            .sqs
            .get_queue_attributes()
            .queue_url(queue.to_string())
            .attribute_names(QueueAttributeName::Policy)
            .customize()
            .config_override(self.sqs_signing(queue.region()))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(Operation::GetQueueAttributes, e, None))?;
        Ok(answer
            .attributes()
            .and_then(|attributes| attributes.get(&QueueAttributeName::Policy))
            .filter(|policy| !policy.is_empty())
            .cloned())
    }

    /// Removes the `Policy` attribute of `queue` (sets it empty).
    pub async fn delete_queue_policy(&self, queue: &QueueUrl) -> Result<(), AwsError> {
        self.aws()
            .sqs
            .set_queue_attributes()
            .queue_url(queue.to_string())
            .attributes(QueueAttributeName::Policy, "")
            .customize()
            .config_override(self.sqs_signing(queue.region()))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(Operation::SetQueueAttributes, e, None))?;
        tracing::info!(
            account_id = self.account_id(),
            access_key_id = self.access_key_id(),
            queue = %queue,
            "deleted a queue policy"
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names_follow_s3_s_rules() {
        for good in ["abc", "my.logs-2024", "a1b", &"a".repeat(63)] {
            assert_eq!(bucket_name_problem(good), None, "{good}");
        }
        let cases = [
            ("ab", "3 to 63"),
            ("My-Bucket", "lowercase"),
            ("a_b_c", "lowercase"),
            ("-abc", "begin and end"),
            ("abc.", "begin and end"),
            ("a..bc", "two dots"),
            ("192.168.5.4", "IP address"),
            ("xn--abc", "reserves"),
            ("logs-s3alias", "reserves"),
        ];
        for (name, says) in cases {
            let problem = bucket_name_problem(name).unwrap_or_default();
            assert!(problem.contains(says), "{name}: {problem}");
        }
    }

    #[test]
    fn queue_urls_name_region_account_and_queue() {
        let url =
            QueueUrl::parse("https://sqs.eu-west-1.amazonaws.com/222222222222/orders").unwrap();
        assert_eq!(
            (url.region(), url.account_id(), url.name()),
            ("eu-west-1", "222222222222", "orders")
        );
        assert_eq!(
            url.to_string(),
            "https://sqs.eu-west-1.amazonaws.com/222222222222/orders"
        );
        let legacy =
            QueueUrl::parse("https://us-gov-west-1.queue.amazonaws.com/222222222222/q.fifo")
                .unwrap();
        assert_eq!(legacy.region(), "us-gov-west-1");
        assert!(QueueUrl::parse("https://sqs.cn-north-1.amazonaws.com.cn/222222222222/q").is_ok());
        let cases = [
            (
                "http://sqs.us-east-1.amazonaws.com/222222222222/q",
                "https://",
            ),
            (
                "https://sqs.amazonaws.com/222222222222/q",
                "names its Region",
            ),
            ("https://example.com/222222222222/q", "names its Region"),
            ("https://sqs.us-east-1.amazonaws.com", "has a path"),
            ("https://sqs.us-east-1.amazonaws.com/q", "/ACCOUNT/NAME"),
            ("https://sqs.us-east-1.amazonaws.com/2222/q", "12-digit"),
            (
                "https://sqs.us-east-1.amazonaws.com/222222222222/a.b",
                "queue name",
            ),
            (
                "https://sqs.us-east-1.amazonaws.com/222222222222/q/extra",
                "queue name",
            ),
        ];
        for (url, says) in cases {
            let err = QueueUrl::parse(url).unwrap_err().to_string();
            assert!(err.contains(says), "{url}: {err}");
        }
    }
}
