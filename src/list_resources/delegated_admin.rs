//! `list "centralroot_delegated_admin"`: the delegated administrators of the organization,
//! for one service principal or for every one.
//!
//! Organizations lists delegated administrators per service principal. Without one in the
//! configuration, the principals are those with trusted access enabled
//! (`ListAWSServiceAccessForOrganization`): Organizations refuses to register a delegated
//! administrator for a service without it.

use async_trait::async_trait;

use crate::aws::{Aws, DelegatedAdmin, calls};
use crate::cty::{Type, Value};
use crate::framework::Context;
use crate::framework::list_resource::{
    ListRequest, ListResource, ListResponse, ListResult, ListResults,
};
use crate::framework::schema::{Attribute, Block, Schema};
use crate::framework::values::ValueExt;
use crate::resources::delegated_admin::{RegistrationId, ServicePrincipal, state_value};
use crate::types_common::advice::Targets;
use crate::types_common::permissions::{Permissions, Step};

const SERVICE_PRINCIPAL: &str = "service_principal";

/// What the listing may ask of AWS: its page's Permissions section, its share of the provider's
/// IAM policy, and what the end-to-end tests let it send.
pub const PERMISSIONS: Permissions = Permissions::new(&[(
    Step::List,
    &[calls::TRUSTED_ACCESS, calls::DELEGATED_ADMINS],
)]);

/// The list type.
#[derive(Debug, Clone, Copy, Default)]
pub struct DelegatedAdminList;

/// One listed registration as a result.
fn result(principal: &str, admin: &DelegatedAdmin) -> ListResult {
    let id = RegistrationId {
        account_id: admin.account_id.clone(),
        service_principal: principal.to_owned(),
    };
    ListResult {
        identity: Value::Null,
        display_name: if admin.name.is_empty() {
            id.to_string()
        } else {
            format!("{id} ({})", admin.name)
        },
        resource_object: state_value(&id, admin),
    }
}

#[async_trait]
impl ListResource<Aws> for DelegatedAdminList {
    fn config_schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .description(
                    "Finds the accounts registered as delegated administrator in the \
                     organization of the provider's credentials.",
                )
                .attribute(
                    SERVICE_PRINCIPAL,
                    Attribute::optional(Type::String)
                        .description(
                            "Only the delegated administrators for this service principal, \
                             e.g. iam.amazonaws.com. Left out, those of every service with \
                             trusted access enabled.",
                        )
                        .validator(ServicePrincipal),
                ),
        )
    }

    async fn list(
        &self,
        ctx: &Context<Aws>,
        req: ListRequest,
        results: &ListResults,
        resp: &mut ListResponse,
    ) {
        let aws = ctx.provider_data();
        let principals = match req.config.attr(SERVICE_PRINCIPAL).as_str() {
            Some(principal) => vec![principal.to_owned()],
            None => match aws.trusted_access_principals().await {
                Ok(principals) => principals,
                Err(err) => return Targets::NONE.report(&mut resp.diagnostics, &err),
            },
        };
        for principal in &principals {
            let listed = aws
                .each_delegated_admin_page(principal, |page| async move {
                    for admin in &page {
                        if !results.push(result(principal, admin)).await {
                            return false;
                        }
                    }
                    true
                })
                .await;
            if let Err(err) = listed {
                return Targets::NONE.report(&mut resp.diagnostics, &err);
            }
            // Terraform has all it asked for (its limit) or went away.
            if results.is_closed() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::list_resources::test_support::{adopted_seed, list};
    use crate::resources::test_support::{ACCESS_ANALYZER, sandbox};
    use centralroot_sandbox::faults::FaultConfig;

    fn principal_config(principal: Option<&str>) -> Value {
        crate::framework::attributes::object([(
            "service_principal",
            principal.map_or(Value::Null, Value::from),
        )])
    }

    #[tokio::test]
    async fn delegated_admins_are_listed_for_every_principal_or_one() {
        let (handle, ctx) = sandbox(adopted_seed(), FaultConfig::default()).await;
        let (all, resp) = list(&DelegatedAdminList, &ctx, principal_config(None), 100).await;
        assert!(!resp.diagnostics.has_errors());
        let ids: Vec<&str> = all.iter().filter_map(|s| s.attr("id").as_str()).collect();
        assert_eq!(
            ids,
            [
                "222222222222/iam.amazonaws.com",
                "333333333333/iam.amazonaws.com",
                "444444444444/access-analyzer.amazonaws.com"
            ]
        );
        assert!(
            all.iter()
                .all(|s| s.attr("name").as_str().is_some_and(|n| !n.is_empty()))
        );
        let (one, _) = list(
            &DelegatedAdminList,
            &ctx,
            principal_config(Some(ACCESS_ANALYZER)),
            100,
        )
        .await;
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].attr("account_id").as_str(), Some("444444444444"));
        let writes: u64 = handle
            .sandbox()
            .requests()
            .operations
            .iter()
            .filter(|(op, _)| !op.starts_with("List") && !op.starts_with("Describe"))
            .map(|(_, count)| count.total)
            .sum();
        assert_eq!(writes, 0);
    }

    #[tokio::test]
    async fn a_listing_stops_at_the_limit() {
        let (handle, ctx) = sandbox(adopted_seed(), FaultConfig::default()).await;
        let (found, resp) = list(&DelegatedAdminList, &ctx, principal_config(None), 1).await;
        assert!(!resp.diagnostics.has_errors());
        assert_eq!(found.len(), 1);
        // The first principal's page answered the one result: the other principal is never
        // listed.
        let listings = handle
            .sandbox()
            .requests()
            .operations
            .get("ListDelegatedAdministrators")
            .map_or(0, |c| c.total);
        assert_eq!(listings, 1);
    }
}
