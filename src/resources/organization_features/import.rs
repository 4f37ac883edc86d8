//! Adoption: import by organization ID or by identity, and the configuration generated for
//! an imported organization.

use std::collections::BTreeSet;

use super::model::State;
use super::{ENABLED_FEATURES, ORGANIZATION_ID, TYPE_NAME};
use crate::aws::{Aws, IAM_SERVICE_PRINCIPAL};
use crate::cty::Value;
use crate::framework::Context;
use crate::framework::resource::{
    GenerateConfigRequest, GenerateConfigResponse, ImportStateRequest, ImportStateResponse,
};
use crate::framework::values::ValueExt;
use crate::types_common::advice::Targets;

/// Why an import ID was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{id:?} is not an organization ID: expected o- followed by 10 to 32 lowercase letters or \
     digits, for example:\n  terraform import centralroot_organization_features.this o-aa111bb222"
)]
pub struct InvalidImportId {
    /// The refused ID.
    pub id: String,
}

/// Checks an import ID against the organization ID pattern `o-[a-z0-9]{10,32}`.
pub fn parse_import_id(id: &str) -> Result<&str, InvalidImportId> {
    let valid = id.strip_prefix("o-").is_some_and(|rest| {
        (10..=32).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    });
    if valid {
        Ok(id)
    } else {
        Err(InvalidImportId { id: id.to_owned() })
    }
}

/// Imports by organization ID or by identity: the organization must be the credentials', and
/// `enable_trusted_access` says whether trusted access for IAM is on; the features are left
/// to the read that follows.
pub(super) async fn import_state(
    ctx: &Context<Aws>,
    req: ImportStateRequest,
    resp: &mut ImportStateResponse,
) {
    // Importing by identity, the engine has written the organization ID into the state.
    let given = if req.by_identity() {
        resp.state
            .attr(ORGANIZATION_ID)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    } else {
        req.id.clone()
    };
    let id = match parse_import_id(&given) {
        Ok(id) => id,
        Err(err) => {
            return resp
                .diagnostics
                .error("Invalid organization ID", err.to_string());
        }
    };
    let aws = ctx.provider_data();
    let organization = match aws.organization().await {
        Ok(org) => org,
        Err(err) => return Targets::NONE.report(&mut resp.diagnostics, &err),
    };
    if organization.id != id {
        return resp.diagnostics.error(
            "Organization ID does not match the credentials",
            format!(
                "The import ID is {id}, but the provider's credentials belong to organization \
                 {}. Import {} instead, or configure the provider with credentials of {id}'s \
                 management account.",
                organization.id, organization.id
            ),
        );
    }
    // The generated or written configuration should reflect reality: if trusted access is
    // on, enable_trusted_access = true keeps it so without a diff.
    let trusted = match aws.trusted_access_enabled(IAM_SERVICE_PRINCIPAL).await {
        Ok(on) => on,
        Err(err) => return Targets::NONE.report(&mut resp.diagnostics, &err),
    };
    // The features are left to the read that follows the import.
    resp.state = State {
        organization_id: Some(id.to_owned()),
        enabled: BTreeSet::new(),
        enable_trusted_access: trusted,
    }
    .to_value();
}

/// Refuses to generate a configuration for an organization without features.
pub(super) fn generate_config(req: GenerateConfigRequest, resp: &mut GenerateConfigResponse) {
    // enabled_features must list at least one feature: an organization with none has
    // nothing to adopt, and a configuration with an empty set would not validate.
    if req
        .state
        .attr(ENABLED_FEATURES)
        .elements()
        .is_some_and(<[Value]>::is_empty)
    {
        resp.diagnostics.error(
            "No feature to adopt",
            format!(
                "The organization has no centralized root access feature enabled, so there \
                 is no {TYPE_NAME} to generate configuration for. Write the resource with the \
                 features to enable instead of importing it."
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::resource::Resource;
    use crate::resources::organization_features::OrganizationFeaturesResource;
    use crate::resources::test_support::{import_by_identity, sandbox, seed_with_trusted_access};
    use centralroot_sandbox::faults::FaultConfig;

    #[test]
    fn import_ids_must_be_organization_ids() {
        assert_eq!(parse_import_id("o-sandbox1234"), Ok("o-sandbox1234"));
        assert!(parse_import_id(&format!("o-{}", "a".repeat(32))).is_ok());
        for bad in [
            "",
            "o-",
            "o-short",
            "o-Sandbox1234",
            "sandbox1234",
            "o111122223333",
            "o-sandbox_1234",
            "r-abcd1234567",
            &format!("o-{}", "a".repeat(33)),
        ] {
            let err = parse_import_id(bad).expect_err(bad);
            let text = err.to_string();
            assert!(text.contains("o- followed by 10 to 32"), "{text}");
            assert!(text.contains("terraform import"), "{text}");
        }
    }

    #[tokio::test]
    async fn features_import_by_identity_checks_the_organization() {
        let (_handle, ctx) = sandbox(seed_with_trusted_access(), FaultConfig::default()).await;
        let identity =
            |id: &str| crate::framework::attributes::object([("organization_id", Value::from(id))]);
        let resp = import_by_identity(TYPE_NAME, &ctx, identity("o-sandbox1234")).await;
        assert!(!resp.diagnostics.has_errors());
        assert_eq!(resp.state.attr("id").as_str(), Some("o-sandbox1234"));
        assert_eq!(
            resp.state.attr("enable_trusted_access").as_bool(),
            Some(true)
        );
        let resp = import_by_identity(TYPE_NAME, &ctx, identity("o-other123456")).await;
        assert!(resp.diagnostics.has_errors());
    }

    #[tokio::test]
    async fn no_configuration_is_generated_for_an_organization_without_features() {
        let mut resp = GenerateConfigResponse {
            config: Value::Null,
            diagnostics: crate::framework::diagnostics::Diagnostics::new(),
        };
        let none = State {
            organization_id: Some("o-sandbox1234".into()),
            enabled: BTreeSet::new(),
            enable_trusted_access: true,
        }
        .to_value();
        OrganizationFeaturesResource
            .generate_config(GenerateConfigRequest { state: none }, &mut resp)
            .await;
        assert!(resp.diagnostics.has_errors());
    }
}
