//! The `hashicorp/aws` provider arguments this provider has no use for. A block copied from an
//! `aws` provider carries them; rather than Terraform's "Unsupported argument", each one is in
//! the schema with the same type and gets a diagnostic that says why it does not apply:
//! - ignored, with a warning, when leaving it out changes nothing here (it concerns a service
//!   this provider never calls, or a check it never makes);
//! - refused, with an error, when ignoring it would change which account, which endpoint or
//!   which network path the provider uses, or when a user would rely on its effect (tags).
//!
//! A boolean set to `false` asks for what this provider does anyway and gets no diagnostic.

use crate::cty::{AttributePath, Type, Value};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::schema::{Attribute, Block, NestedBlock, Nesting};
use crate::framework::values::ValueExt;

/// What the provider does with an argument it has no use for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Accepted with a warning.
    Ignored,
    /// Refused with an error.
    Refused,
}

/// The type the argument has in `hashicorp/aws`.
#[derive(Debug, Clone, Copy)]
enum Shape {
    Bool,
    String,
    Number,
    Strings,
    /// A block (list nesting, at most one) with these optional attributes.
    Block(&'static [(&'static str, NestedType)]),
}

/// The attribute types a copied block's nested attributes have.
#[derive(Debug, Clone, Copy)]
enum NestedType {
    String,
    /// A string hashicorp/aws marks sensitive.
    Secret,
    StringSet,
    StringMap,
}

impl NestedType {
    fn attribute(self, description: String) -> Attribute {
        let ty = match self {
            Self::String | Self::Secret => Type::String,
            Self::StringSet => Type::set(Type::String),
            Self::StringMap => Type::map(Type::String),
        };
        let attribute = Attribute::optional(ty).description(description);
        match self {
            Self::Secret => attribute.sensitive(),
            _ => attribute,
        }
    }
}

/// One argument: its name and type in hashicorp/aws, what happens to it, and why.
struct Unused {
    name: &'static str,
    shape: Shape,
    verdict: Verdict,
    why: &'static str,
}

const NO_TAGS: &str = "This provider creates nothing that carries tags: IAM organization \
     features, delegated administrators and root credential removals cannot be tagged, so \
     there is nothing to tag or to ignore. Leave the setting in the aws provider block.";

const PROXIES: &str = "Set HTTP_PROXY, HTTPS_PROXY and NO_PROXY in the environment instead: \
     the provider's HTTP client reads them. Ignoring the argument would bypass the proxy.";

const TOP_LEVEL: &[Unused] = &[
    Unused {
        name: "default_tags",
        shape: Shape::Block(&[("tags", NestedType::StringMap)]),
        verdict: Verdict::Refused,
        why: NO_TAGS,
    },
    Unused {
        name: "ignore_tags",
        shape: Shape::Block(&[
            ("keys", NestedType::StringSet),
            ("key_prefixes", NestedType::StringSet),
        ]),
        verdict: Verdict::Refused,
        why: NO_TAGS,
    },
    Unused {
        name: "tag_policy_compliance",
        shape: Shape::String,
        verdict: Verdict::Refused,
        why: NO_TAGS,
    },
    Unused {
        name: "assume_role_with_web_identity",
        shape: Shape::Block(&[
            ("duration", NestedType::String),
            ("policy", NestedType::String),
            ("policy_arns", NestedType::StringSet),
            ("role_arn", NestedType::String),
            ("session_name", NestedType::String),
            ("web_identity_token", NestedType::Secret),
            ("web_identity_token_file", NestedType::String),
        ]),
        verdict: Verdict::Refused,
        why: "Web identity is not configured in the block here. Set AWS_ROLE_ARN and \
              AWS_WEB_IDENTITY_TOKEN_FILE (and AWS_ROLE_SESSION_NAME) in the environment, or use \
              a profile with role_arn and web_identity_token_file: the provider reads both.",
    },
    Unused {
        name: "custom_ca_bundle",
        shape: Shape::String,
        verdict: Verdict::Refused,
        why: "The provider trusts the operating system's certificates. To trust a bundle of \
              your own, set SSL_CERT_FILE to its path in the environment.",
    },
    Unused {
        name: "ec2_metadata_service_endpoint",
        shape: Shape::String,
        verdict: Verdict::Refused,
        why: "Set AWS_EC2_METADATA_SERVICE_ENDPOINT in the environment instead: the provider \
              reads it.",
    },
    Unused {
        name: "ec2_metadata_service_endpoint_mode",
        shape: Shape::String,
        verdict: Verdict::Refused,
        why: "Set AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE in the environment instead: the \
              provider reads it.",
    },
    Unused {
        name: "http_proxy",
        shape: Shape::String,
        verdict: Verdict::Refused,
        why: PROXIES,
    },
    Unused {
        name: "https_proxy",
        shape: Shape::String,
        verdict: Verdict::Refused,
        why: PROXIES,
    },
    Unused {
        name: "no_proxy",
        shape: Shape::String,
        verdict: Verdict::Refused,
        why: PROXIES,
    },
    Unused {
        name: "insecure",
        shape: Shape::Bool,
        verdict: Verdict::Refused,
        why: "TLS certificates are always verified. For a local endpoint without TLS, give an \
              http:// URL in endpoints; to trust another certificate, set SSL_CERT_FILE in the \
              environment.",
    },
    Unused {
        name: "skip_credentials_validation",
        shape: Shape::Bool,
        verdict: Verdict::Ignored,
        why: "The provider does not validate credentials when it is configured: AWS checks \
              them on the first call (sts:GetCallerIdentity is called at configuration only \
              for allowed_account_ids or forbidden_account_ids).",
    },
    Unused {
        name: "skip_requesting_account_id",
        shape: Shape::Bool,
        verdict: Verdict::Ignored,
        why: "The provider requests the account ID only for allowed_account_ids or \
              forbidden_account_ids, which cannot be checked without it.",
    },
    Unused {
        name: "skip_region_validation",
        shape: Shape::Bool,
        verdict: Verdict::Ignored,
        why: "The provider checks only that region has the shape of a region name (such as \
              us-east-1), never against a list of regions, so a new region needs no skipping.",
    },
    Unused {
        name: "skip_metadata_api_check",
        shape: Shape::Bool,
        verdict: Verdict::Ignored,
        why: "The provider never reads the region from the EC2 instance metadata service; \
              credentials come from it only at the end of the default chain, when nothing \
              else provides them. To turn that off too, set AWS_EC2_METADATA_DISABLED=true in \
              the environment.",
    },
    Unused {
        name: "s3_use_path_style",
        shape: Shape::Bool,
        verdict: Verdict::Ignored,
        why: "Buckets are addressed path-style whenever the S3 endpoint is a custom one \
              (endpoints.s3, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, a profile), and the way AWS \
              prefers otherwise.",
    },
    Unused {
        name: "s3_us_east_1_regional_endpoint",
        shape: Shape::String,
        verdict: Verdict::Ignored,
        why: "S3 calls for us-east-1 always go to its regional endpoint, as hashicorp/aws 6 does.",
    },
    Unused {
        name: "token_bucket_rate_limiter_capacity",
        shape: Shape::Number,
        verdict: Verdict::Ignored,
        why: "The retry quota of the AWS SDK for Rust is not configurable; max_retries and \
              retry_mode are.",
    },
    Unused {
        name: "user_agent",
        shape: Shape::Strings,
        verdict: Verdict::Ignored,
        why: "The product details are not added to the provider's User-Agent.",
    },
];

const ASSUME_ROLE: &[Unused] = &[
    Unused {
        name: "source_identity",
        shape: Shape::String,
        verdict: Verdict::Refused,
        why: "The AWS SDK for Rust's AssumeRole credentials cannot send a source identity. \
              Remove it, or assume the role outside the provider and give it the resulting \
              credentials.",
    },
    Unused {
        name: "transitive_tag_keys",
        shape: Shape::Strings,
        verdict: Verdict::Refused,
        why: "The AWS SDK for Rust's AssumeRole credentials cannot mark session tags as \
              transitive. Remove it (tags still applies), or assume the role outside the \
              provider and give it the resulting credentials.",
    },
];

impl Unused {
    fn description(&self) -> String {
        let verdict = match self.verdict {
            Verdict::Ignored => {
                "Accepted for compatibility with hashicorp/aws and ignored, \
                                 with a warning."
            }
            Verdict::Refused => "Not supported: setting it is an error.",
        };
        format!("{verdict} {}", self.why)
    }

    fn add_to(&self, block: Block) -> Block {
        let attribute = |ty: Type| Attribute::optional(ty).description(self.description());
        match self.shape {
            Shape::Bool => block.attribute(self.name, attribute(Type::Bool)),
            Shape::String => block.attribute(self.name, attribute(Type::String)),
            Shape::Number => block.attribute(self.name, attribute(Type::Number)),
            Shape::Strings => block.attribute(self.name, attribute(Type::list(Type::String))),
            Shape::Block(attributes) => {
                let nested = attributes.iter().fold(
                    Block::new().description(self.description()),
                    |nested, (name, ty)| {
                        nested
                            .attribute(*name, ty.attribute(format!("Not used; see {}.", self.name)))
                    },
                );
                block.block(
                    self.name,
                    NestedBlock::new(Nesting::List, nested).max_items(1),
                )
            }
        }
    }

    /// Whether the configuration asks for something with it: `true` for a boolean, any value
    /// (known or not) for the rest, a block written at all.
    fn is_used(&self, value: &Value) -> bool {
        match (self.shape, value) {
            (_, Value::Null) => false,
            (Shape::Bool, value) => value.as_bool() == Some(true),
            (Shape::Block(_), value) => value.elements().is_none_or(|blocks| !blocks.is_empty()),
            _ => true,
        }
    }

    /// Where a top-level argument's diagnostic points: Terraform shows a block through its
    /// index, and only the provider block through the block's name.
    fn path(&self) -> AttributePath {
        let path = AttributePath::root(self.name);
        match self.shape {
            Shape::Block(_) => path.index(0),
            _ => path,
        }
    }

    fn report(&self, path: AttributePath, diags: &mut Diagnostics) {
        match self.verdict {
            Verdict::Ignored => diags.attribute_warning(
                path,
                format!("{} is ignored", self.name),
                format!(
                    "{} has no effect in the centralroot provider. {}",
                    self.name, self.why
                ),
            ),
            Verdict::Refused => diags.attribute_error(
                path,
                format!("{} is not supported", self.name),
                format!(
                    "The centralroot provider does not support {}. {} Remove it from this \
                     provider block.",
                    self.name, self.why
                ),
            ),
        }
    }
}

/// The provider block with every top-level argument of this module added.
pub fn add_to_provider(block: Block) -> Block {
    TOP_LEVEL
        .iter()
        .fold(block, |block, unused| unused.add_to(block))
}

/// The `assume_role` block with its arguments of this module added.
pub fn add_to_assume_role(block: Block) -> Block {
    ASSUME_ROLE
        .iter()
        .fold(block, |block, unused| unused.add_to(block))
}

/// A warning or an error for every argument of this module the configuration uses.
pub fn validate(config: &Value, diags: &mut Diagnostics) {
    for unused in TOP_LEVEL {
        if unused.is_used(config.attr(unused.name)) {
            unused.report(unused.path(), diags);
        }
    }
    let roles = config.attr("assume_role").elements().unwrap_or_default();
    for (index, role) in (0_i64..).zip(roles) {
        for unused in ASSUME_ROLE {
            if unused.is_used(role.attr(unused.name)) {
                let path = AttributePath::root("assume_role")
                    .index(index)
                    .attr(unused.name);
                unused.report(path, diags);
            }
        }
    }
}

/// The names of the top-level arguments this module adds, with whether each is refused and
/// the path its diagnostic points at.
#[cfg(test)]
pub fn top_level() -> impl Iterator<Item = (&'static str, bool, AttributePath)> {
    TOP_LEVEL.iter().map(|unused| {
        (
            unused.name,
            unused.verdict == Verdict::Refused,
            unused.path(),
        )
    })
}
