//! The provider block's schema.

use std::time::Duration;

use super::account_guard::{ALLOWED, FORBIDDEN};
use super::unused_arguments;
use crate::cty::Type;
use crate::framework::schema::{Attribute, Block, NestedBlock, Nesting, Schema};
use crate::framework::validators::{
    DurationString, HttpUrl, IntBetween, StringMatches, StringOneOf,
};

/// Region names: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`.
const REGION_PATTERN: &str = r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$";
/// IAM role ARNs in any partition.
const ROLE_ARN_PATTERN: &str = r"^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$";

/// Shortest and longest assume-role session STS accepts.
const MIN_SESSION: Duration = Duration::from_secs(15 * 60);
const MAX_SESSION: Duration = Duration::from_secs(12 * 60 * 60);

fn pattern(pattern: &str, requirement: &str) -> StringMatches {
    match StringMatches::new(pattern, requirement) {
        Ok(v) => v,
        // The patterns are constants of this file; the schema test compiles them.
        Err(e) => unreachable!("invalid constant pattern {pattern:?}: {e}"),
    }
}

fn endpoint(service: &str) -> Attribute {
    Attribute::optional(Type::String)
        .description(format!(
            "Custom endpoint URL for {service}, e.g. the sandbox's `http://127.0.0.1:4566`."
        ))
        .validator(HttpUrl)
}

/// The provider block.
pub fn provider_schema() -> Schema {
    let assume_role = Block::new()
        .description("Assume an IAM role before calling AWS.")
        .attribute(
            "role_arn",
            Attribute::required(Type::String)
                .description("ARN of the IAM role to assume.")
                .validator(pattern(
                    ROLE_ARN_PATTERN,
                    "be an IAM role ARN (arn:aws:iam::123456789012:role/name)",
                )),
        )
        .attribute(
            "session_name",
            Attribute::optional(Type::String)
                .description("Session name to use when assuming the role."),
        )
        .attribute(
            "external_id",
            Attribute::optional(Type::String)
                .description("External ID the role's trust policy expects."),
        )
        .attribute(
            "duration",
            Attribute::optional(Type::String)
                .description(
                    "How long the assumed-role session lasts, from `15m` to `12h` (e.g. `1h`).",
                )
                .validator(DurationString::between(MIN_SESSION, MAX_SESSION)),
        )
        .attribute(
            "policy",
            Attribute::optional(Type::String).description(
                "IAM policy JSON that further limits the assumed role's permissions for the \
                 session.",
            ),
        )
        .attribute(
            "policy_arns",
            Attribute::optional(Type::set(Type::String)).description(
                "ARNs of managed IAM policies that further limit the assumed role's permissions \
                 for the session.",
            ),
        )
        .attribute(
            "tags",
            Attribute::optional(Type::map(Type::String))
                .description("Session tags of the assumed role's session."),
        );
    let assume_role = unused_arguments::add_to_assume_role(assume_role);
    let endpoints = Block::new()
        .description("Custom service endpoints, e.g. to use the sandbox.")
        .attribute("iam", endpoint("IAM"))
        .attribute("organizations", endpoint("AWS Organizations"))
        .attribute("sts", endpoint("STS"))
        .attribute(
            "s3",
            endpoint("S3").description(
                "Custom endpoint URL for S3, e.g. the sandbox's `http://127.0.0.1:4566`. With a \
                 custom S3 endpoint (here or from the environment or a profile), buckets are \
                 addressed path-style (`URL/BUCKET`), as emulators need.",
            ),
        )
        .attribute("sqs", endpoint("SQS"));
    let block = Block::new()
        .description("The centralroot provider manages AWS centralized root access.")
        .attribute(
            "region",
            Attribute::optional(Type::String)
                .description(
                    "AWS region of the STS calls: IAM and Organizations are global and always \
                     called in us-east-1. Defaults to AWS_REGION, the profile's region, then \
                     us-east-1; `sts_region` wins over it.",
                )
                .validator(pattern(
                    REGION_PATTERN,
                    "be an AWS region name such as us-east-1",
                )),
        )
        .attribute(
            "profile",
            Attribute::optional(Type::String)
                .description("Named profile of the shared config files."),
        )
        .attribute(
            "shared_config_files",
            Attribute::optional(Type::list(Type::String))
                .description("Paths of shared config files; defaults to ~/.aws/config."),
        )
        .attribute(
            "shared_credentials_files",
            Attribute::optional(Type::list(Type::String))
                .description("Paths of shared credentials files; defaults to ~/.aws/credentials."),
        )
        .attribute(
            "access_key",
            Attribute::optional(Type::String).description(
                "AWS access key ID. Needs secret_key; overrides the environment and profiles.",
            ),
        )
        .attribute(
            "secret_key",
            Attribute::optional(Type::String)
                .sensitive()
                .description("AWS secret access key. Needs access_key."),
        )
        .attribute(
            "token",
            Attribute::optional(Type::String)
                .sensitive()
                .description("Session token for temporary credentials."),
        )
        .attribute(
            "sts_region",
            Attribute::optional(Type::String)
                .description(
                    "AWS region of the STS calls (GetCallerIdentity, AssumeRole, AssumeRoot); \
                     wins over `region`, which the provider uses for nothing else.",
                )
                .validator(pattern(
                    REGION_PATTERN,
                    "be an AWS region name such as us-east-1",
                )),
        )
        .attribute(
            "use_fips_endpoint",
            Attribute::optional(Type::Bool).description(
                "Send every call to the services' FIPS endpoints (as `AWS_USE_FIPS_ENDPOINT` \
                 does). Not with custom endpoints.",
            ),
        )
        .attribute(
            "use_dualstack_endpoint",
            Attribute::optional(Type::Bool).description(
                "Send every call to the services' dual-stack (IPv4 and IPv6) endpoints where \
                 they have one (as `AWS_USE_DUALSTACK_ENDPOINT` does). Not with custom endpoints.",
            ),
        )
        .attribute(
            ALLOWED,
            Attribute::optional(Type::set(Type::String)).description(format!(
                "The only 12-digit AWS account IDs the provider may run as, as in hashicorp/aws. \
                 When the provider is configured, it asks STS which account its credentials \
                 belong to (`sts:GetCallerIdentity`, once per configuration) and stops with an \
                 error, before reading or changing anything, when that account is not listed. \
                 Conflicts with `{FORBIDDEN}`."
            )),
        )
        .attribute(
            FORBIDDEN,
            Attribute::optional(Type::set(Type::String)).description(format!(
                "12-digit AWS account IDs the provider must not run as, as in hashicorp/aws: \
                 checked like `{ALLOWED}`, and an error when the credentials belong to one of \
                 them. Conflicts with `{ALLOWED}`."
            )),
        )
        .attribute(
            "max_retries",
            Attribute::optional(Type::Number)
                .description(
                    "How many times a failed AWS call is retried, from 0 to 25. Defaults to 10, or to \
                     what `AWS_MAX_ATTEMPTS` allows when that is set.",
                )
                .validator(IntBetween::new(0, 25)),
        )
        .attribute(
            "retry_mode",
            Attribute::optional(Type::String)
                .description("Retry strategy: `standard` or `adaptive`.")
                .validator(StringOneOf::new(["standard", "adaptive"])),
        )
        .block(
            "assume_role",
            NestedBlock::new(Nesting::List, assume_role).max_items(1),
        )
        .block(
            "endpoints",
            NestedBlock::new(Nesting::List, endpoints).max_items(1),
        );
    Schema::new(0, unused_arguments::add_to_provider(block))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_attribute_is_described() {
        fn check(block: &Block, at: &str) {
            for (name, attr) in block.attributes() {
                assert!(!attr.get_description().plain.is_empty(), "{at}{name}");
            }
            for (name, nested) in block.blocks() {
                assert!(
                    !nested.block().get_description().plain.is_empty(),
                    "{at}{name}"
                );
                check(nested.block(), &format!("{at}{name}."));
            }
        }
        check(&provider_schema().block, "");
    }

    #[test]
    fn secrets_are_sensitive() {
        let schema = provider_schema();
        for name in ["secret_key", "token"] {
            assert!(
                schema.block.attribute_named(name).unwrap().is_sensitive(),
                "{name}"
            );
        }
        assert!(
            !schema
                .block
                .attribute_named("access_key")
                .unwrap()
                .is_sensitive()
        );
    }
}
