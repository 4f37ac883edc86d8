//! The provider block read into typed settings.
//!
//! Values still unknown at configure time (a provider block that depends on a resource)
//! read as unset, so planning can go on with the environment's defaults; validation has
//! already checked every known value.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use super::account_guard::AccountGuard;
use crate::aws::Endpoints;
use crate::cty::Value;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::validators::duration_string::parse_duration;
use crate::framework::values::ValueExt;

/// A secret string: never printed, not even in debug output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(** redacted **)")
    }
}

/// The `assume_role` block: a role the provider's credentials assume through STS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRole {
    /// The role to assume.
    pub role_arn: String,
    /// The name of the assumed role's session (`terraform-provider-centralroot` when unset).
    pub session_name: Option<String>,
    /// The external ID the role's trust policy may require.
    pub external_id: Option<String>,
    /// How long the assumed role's credentials last.
    pub duration: Option<Duration>,
    /// An inline session policy (JSON).
    pub policy: Option<String>,
    /// Managed session policies, by ARN.
    pub policy_arns: Vec<String>,
    /// Session tags.
    pub tags: BTreeMap<String, String>,
}

/// How the SDK retries a failed call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryMode {
    /// Exponential backoff.
    Standard,
    /// Backoff plus client-side rate limiting.
    Adaptive,
}

/// The provider block, typed: each field is the argument of the same name, unset when the
/// block leaves it null or unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderConfig {
    pub region: Option<String>,
    pub sts_region: Option<String>,
    pub use_fips: Option<bool>,
    pub use_dual_stack: Option<bool>,
    pub account_guard: Option<AccountGuard>,
    pub profile: Option<String>,
    pub shared_config_files: Vec<String>,
    pub shared_credentials_files: Vec<String>,
    pub access_key: Option<String>,
    pub secret_key: Option<Secret>,
    pub token: Option<Secret>,
    pub assume_role: Option<AssumeRole>,
    pub endpoints: Endpoints,
    pub max_retries: Option<u32>,
    pub retry_mode: Option<RetryMode>,
}

fn string(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

fn string_map(v: &Value) -> BTreeMap<String, String> {
    match v {
        Value::Map(entries) => entries
            .iter()
            .filter_map(|(key, value)| Some((key.clone(), string(value)?)))
            .collect(),
        _ => BTreeMap::new(),
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.elements()
        .unwrap_or_default()
        .iter()
        .filter_map(string)
        .collect()
}

/// The first block of a list block (they have at most one).
fn first_block<'a>(config: &'a Value, name: &str) -> Option<&'a Value> {
    config
        .attr(name)
        .elements()
        .and_then(<[Value]>::first)
        .filter(|b| matches!(b, Value::Object(_)))
}

impl ProviderConfig {
    /// Reads the block. Problems validation should have caught (it runs first) are reported
    /// again rather than assumed away.
    pub fn from_value(config: &Value, diags: &mut Diagnostics) -> Self {
        let assume_role = first_block(config, "assume_role").and_then(|b| {
            let role_arn = string(b.attr("role_arn"))?;
            let duration = match b.attr("duration").as_str() {
                Some(text) => match parse_duration(text) {
                    Some(d) => Some(d),
                    None => {
                        diags.attribute_error(
                            crate::cty::AttributePath::root("assume_role")
                                .index(0)
                                .attr("duration"),
                            "Invalid Duration",
                            format!("{text:?} is not a duration such as \"15m\" or \"1h\"."),
                        );
                        None
                    }
                },
                None => None,
            };
            Some(AssumeRole {
                role_arn,
                session_name: string(b.attr("session_name")),
                external_id: string(b.attr("external_id")),
                duration,
                policy: string(b.attr("policy")),
                policy_arns: strings(b.attr("policy_arns")),
                tags: string_map(b.attr("tags")),
            })
        });
        let endpoints = first_block(config, "endpoints")
            .map(|b| Endpoints {
                iam: string(b.attr("iam")),
                organizations: string(b.attr("organizations")),
                sts: string(b.attr("sts")),
                s3: string(b.attr("s3")),
                sqs: string(b.attr("sqs")),
                ..Endpoints::default()
            })
            .unwrap_or_default();
        let retry_mode = match config.attr("retry_mode").as_str() {
            Some("adaptive") => Some(RetryMode::Adaptive),
            Some(_) => Some(RetryMode::Standard),
            None => None,
        };
        Self {
            region: string(config.attr("region")),
            sts_region: string(config.attr("sts_region")),
            use_fips: config.attr("use_fips_endpoint").as_bool(),
            use_dual_stack: config.attr("use_dualstack_endpoint").as_bool(),
            account_guard: AccountGuard::from_config(config),
            profile: string(config.attr("profile")),
            shared_config_files: strings(config.attr("shared_config_files")),
            shared_credentials_files: strings(config.attr("shared_credentials_files")),
            access_key: string(config.attr("access_key")),
            secret_key: string(config.attr("secret_key")).map(Secret),
            token: string(config.attr("token")).map(Secret),
            assume_role,
            endpoints,
            max_retries: config
                .attr("max_retries")
                .as_i64()
                .and_then(|n| u32::try_from(n).ok()),
            retry_mode,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::schema::provider_schema;

    fn block(pairs: &[(&'static str, Value)]) -> Value {
        crate::framework::attributes::object(pairs.iter().cloned())
    }

    #[test]
    fn reads_every_setting() {
        let mut config = provider_schema().empty_value();
        config
            .set_attr("region", Value::from("eu-west-1"))
            .expect("an object");
        config
            .set_attr("secret_key", Value::from("SECRET"))
            .expect("an object");
        config
            .set_attr("access_key", Value::from("AKID"))
            .expect("an object");
        config
            .set_attr("max_retries", Value::from(7))
            .expect("an object");
        config
            .set_attr("sts_region", Value::from("eu-central-1"))
            .expect("an object");
        config
            .set_attr("use_fips_endpoint", Value::from(true))
            .expect("an object");
        config
            .set_attr(
                "forbidden_account_ids",
                crate::framework::values::string_set(["222222222222"]),
            )
            .expect("an object");
        config
            .set_attr("retry_mode", Value::from("adaptive"))
            .expect("an object");
        config
            .set_attr("shared_config_files", Value::List(vec![Value::from("/a")]))
            .expect("an object");
        config
            .set_attr(
                "assume_role",
                Value::List(vec![block(&[
                    ("role_arn", Value::from("arn:aws:iam::123456789012:role/r")),
                    ("session_name", Value::Null),
                    ("external_id", Value::from("x")),
                    ("duration", Value::from("1h")),
                    ("policy", Value::from("{}")),
                    (
                        "policy_arns",
                        crate::framework::values::string_set(["arn:aws:iam::aws:policy/P"]),
                    ),
                    (
                        "tags",
                        Value::Map([("team".to_owned(), Value::from("platform"))].into()),
                    ),
                ])]),
            )
            .expect("an object");
        config
            .set_attr(
                "endpoints",
                Value::List(vec![block(&[
                    ("iam", Value::from("http://127.0.0.1:1")),
                    ("organizations", Value::Null),
                    ("sts", Value::unknown()),
                ])]),
            )
            .expect("an object");
        let mut diags = Diagnostics::new();
        let c = ProviderConfig::from_value(&config, &mut diags);
        assert!(diags.is_empty());
        assert_eq!(c.region.as_deref(), Some("eu-west-1"));
        assert_eq!(c.max_retries, Some(7));
        assert_eq!(c.retry_mode, Some(RetryMode::Adaptive));
        assert_eq!(c.shared_config_files, vec!["/a".to_owned()]);
        let role = c.assume_role.as_ref().unwrap();
        assert_eq!(role.duration, Some(Duration::from_secs(3600)));
        assert_eq!(role.external_id.as_deref(), Some("x"));
        assert_eq!(role.policy.as_deref(), Some("{}"));
        assert_eq!(role.policy_arns, ["arn:aws:iam::aws:policy/P"]);
        assert_eq!(role.tags.get("team").map(String::as_str), Some("platform"));
        assert_eq!(c.sts_region.as_deref(), Some("eu-central-1"));
        assert_eq!(c.use_fips, Some(true));
        assert_eq!(c.use_dual_stack, None);
        assert_eq!(
            c.account_guard,
            Some(AccountGuard::Forbidden(["222222222222".to_owned()].into()))
        );
        assert_eq!(c.endpoints.iam.as_deref(), Some("http://127.0.0.1:1"));
        assert_eq!(c.endpoints.sts, None, "unknown reads as unset");
        let debug = format!("{c:?}");
        assert!(!debug.contains("SECRET"), "{debug}");
    }

    #[test]
    fn unknown_and_null_read_as_unset() {
        let mut config = provider_schema().empty_value();
        config
            .set_attr("region", Value::unknown())
            .expect("an object");
        config
            .set_attr("assume_role", Value::unknown())
            .expect("an object");
        let c = ProviderConfig::from_value(&config, &mut Diagnostics::new());
        assert_eq!(c, ProviderConfig::default());
        assert_eq!(
            ProviderConfig::from_value(&Value::Null, &mut Diagnostics::new()),
            ProviderConfig::default()
        );
    }
}
