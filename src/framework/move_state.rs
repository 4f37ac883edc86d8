//! `moved` blocks across providers (Terraform ≥ 1.8): what a resource type accepts and
//! receives when another provider's resource moves into it.

use std::fmt;

use crate::cty::Value;
use crate::framework::diagnostics::Diagnostics;

/// A resource type of another provider that may be moved into a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoveSource {
    /// The source provider as `NAMESPACE/TYPE` (e.g. `hashicorp/aws`): matched against the
    /// full address Terraform sends (`registry.terraform.io/hashicorp/aws`) whatever its
    /// registry host, so OpenTofu's `registry.opentofu.org` matches too.
    pub provider: &'static str,
    /// The source resource type, e.g. `aws_organizations_delegated_administrator`.
    pub type_name: &'static str,
}

impl MoveSource {
    /// Whether a request from `provider_address`'s `type_name` is this source.
    pub fn matches(&self, provider_address: &str, type_name: &str) -> bool {
        let provider = provider_address.to_ascii_lowercase();
        let wanted = self.provider.to_ascii_lowercase();
        type_name == self.type_name
            && (provider == wanted || provider.ends_with(&format!("/{wanted}")))
    }
}

impl fmt::Display for MoveSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} from {}", self.type_name, self.provider)
    }
}

/// `move_state` input: the source resource as Terraform stored it.
#[derive(Debug, Clone)]
pub struct MoveStateRequest {
    /// The source provider's full address, e.g. `registry.terraform.io/hashicorp/aws`.
    pub source_provider_address: String,
    /// The source resource type (one of the type's [`MoveSource`]s).
    pub source_type_name: String,
    /// The schema version the source state was written with.
    pub source_schema_version: i64,
    /// The source state as JSON, in the source schema's shape.
    pub source_state: serde_json::Value,
    /// The source provider's private data.
    pub source_private: Vec<u8>,
    /// The source identity as JSON, when the source provider stored one.
    pub source_identity: Option<serde_json::Value>,
}

/// `move_state` output.
#[derive(Debug, Default)]
pub struct MoveStateResponse {
    /// The state in this type's schema, starting null; it must be wholly known. Terraform
    /// refreshes it with a read next.
    pub state: Value,
    /// The identity, starting null: left null, the engine derives it from `state`.
    pub identity: Value,
    /// Private data stored beside the state.
    pub private: Vec<u8>,
    /// With an error, nothing moves.
    pub diagnostics: Diagnostics,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_any_registry_host() {
        let source = MoveSource {
            provider: "hashicorp/aws",
            type_name: "aws_iam_organizations_features",
        };
        for address in [
            "registry.terraform.io/hashicorp/aws",
            "registry.opentofu.org/hashicorp/aws",
            "hashicorp/aws",
            "Registry.Terraform.io/HashiCorp/AWS",
        ] {
            assert!(
                source.matches(address, "aws_iam_organizations_features"),
                "{address}"
            );
        }
        assert!(!source.matches(
            "registry.terraform.io/hashicorp/aws",
            "aws_organizations_account"
        ));
        assert!(!source.matches(
            "registry.terraform.io/evil/hashicorp/aws2",
            "aws_iam_organizations_features"
        ));
        assert!(!source.matches(
            "registry.terraform.io/other/aws",
            "aws_iam_organizations_features"
        ));
    }
}
