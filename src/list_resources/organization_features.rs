//! `list "centralroot_organization_features"`: the organization of the provider's credentials,
//! when it has a centralized root access feature enabled. An organization has one feature set,
//! so there is at most one result.

use async_trait::async_trait;

use crate::aws::{Aws, ErrorKind, IAM_SERVICE_PRINCIPAL, calls};
use crate::framework::Context;
use crate::framework::list_resource::{
    ListRequest, ListResource, ListResponse, ListResult, ListResults,
};
use crate::framework::schema::{Block, Schema};
use crate::resources::organization_features::imported_state;
use crate::types_common::advice::Targets;
use crate::types_common::permissions::{Permissions, Step};

/// What the listing may ask of AWS: its page's Permissions section, its share of the provider's
/// IAM policy, and what the end-to-end tests let it send.
pub const PERMISSIONS: Permissions =
    Permissions::new(&[(Step::List, &[calls::LIST_FEATURES, calls::TRUSTED_ACCESS])]);

/// The list type; its `config {}` block takes no arguments.
#[derive(Debug, Clone, Copy, Default)]
pub struct OrganizationFeaturesList;

#[async_trait]
impl ListResource<Aws> for OrganizationFeaturesList {
    fn config_schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new().description(
                "Finds the centralized root access features of the organization the provider's \
                 credentials belong to: one result when at least one feature is enabled, none \
                 otherwise.",
            ),
        )
    }

    async fn list(
        &self,
        ctx: &Context<Aws>,
        _req: ListRequest,
        results: &ListResults,
        resp: &mut ListResponse,
    ) {
        let aws = ctx.provider_data();
        let found = match aws.list_features().await {
            Ok(found) => found,
            // Without trusted access for IAM no feature works: nothing to adopt.
            Err(err) if err.kind == ErrorKind::ServiceAccessNotEnabled => return,
            Err(err) => return Targets::NONE.report(&mut resp.diagnostics, &err),
        };
        if found.enabled.is_empty() {
            tracing::debug!("no organization feature enabled; nothing to list");
            return;
        }
        let trusted = match aws.trusted_access_enabled(IAM_SERVICE_PRINCIPAL).await {
            Ok(on) => on,
            Err(err) => return Targets::NONE.report(&mut resp.diagnostics, &err),
        };
        let features: Vec<&str> = found.enabled.iter().map(|f| f.as_str()).collect();
        results
            .push(ListResult {
                identity: crate::cty::Value::Null,
                display_name: format!("{} ({})", found.organization_id, features.join(", ")),
                resource_object: imported_state(&found, trusted),
            })
            .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cty::Value;
    use crate::framework::values::ValueExt;
    use crate::list_resources::test_support::{adopted_seed, list};
    use crate::resources::test_support::{sandbox, seed_with_trusted_access};
    use centralroot_sandbox::faults::FaultConfig;

    #[tokio::test]
    async fn the_features_are_listed_once_and_only_when_enabled() {
        let (_handle, ctx) = sandbox(adopted_seed(), FaultConfig::default()).await;
        let config = Value::Object(Default::default());
        let (found, resp) = list(&OrganizationFeaturesList, &ctx, config.clone(), 100).await;
        assert!(!resp.diagnostics.has_errors());
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].attr("organization_id").as_str(),
            Some("o-sandbox1234")
        );
        assert_eq!(found[0].attr("enable_trusted_access").as_bool(), Some(true));
        assert_eq!(
            found[0]
                .attr("enabled_features")
                .elements()
                .map(<[Value]>::len),
            Some(2)
        );

        let (_handle, ctx) = sandbox(seed_with_trusted_access(), FaultConfig::default()).await;
        let (none, resp) = list(&OrganizationFeaturesList, &ctx, config, 100).await;
        assert!(!resp.diagnostics.has_errors());
        assert!(none.is_empty());
    }
}
