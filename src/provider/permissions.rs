//! The permissions of the provider block and of every type it serves, by kind and type name,
//! for the documentation (each page's Permissions section, the provider's IAM policy) and the
//! end-to-end tests (the sandbox's request log against them).
//!
//! Each type declares its own `PERMISSIONS` beside its schema; a new type adds its line to
//! [`TYPES`] beside its line in the provider's list of types, and the tests below name any type
//! served without one.

use crate::aws::calls;
use crate::types_common::permissions::{Grant, Permissions, Step};
use crate::{actions, data_sources, ephemeral_resources, list_resources, resources};

/// The kinds of type the provider serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeKind {
    /// `resource` blocks.
    Resource,
    /// `data` blocks.
    DataSource,
    /// `ephemeral` blocks.
    EphemeralResource,
    /// `action` blocks.
    Action,
    /// `list` blocks of `terraform query`.
    ListResource,
}

/// The provider block: with `allowed_account_ids` or `forbidden_account_ids`, it asks STS which
/// account its credentials belong to.
pub const PROVIDER: Permissions = Permissions::new(&[(Step::Configure, &[calls::CALLER_IDENTITY])]);

/// Every type the provider serves, with its permissions.
pub const TYPES: &[(TypeKind, &str, Permissions)] = &[
    (
        TypeKind::Resource,
        resources::organization_features::TYPE_NAME,
        resources::organization_features::PERMISSIONS,
    ),
    (
        TypeKind::Resource,
        resources::delegated_admin::TYPE_NAME,
        resources::delegated_admin::PERMISSIONS,
    ),
    (
        TypeKind::Resource,
        resources::root_credentials_removal::TYPE_NAME,
        resources::root_credentials_removal::PERMISSIONS,
    ),
    (
        TypeKind::Resource,
        resources::root_password_recovery::TYPE_NAME,
        resources::root_password_recovery::PERMISSIONS,
    ),
    (
        TypeKind::DataSource,
        data_sources::organization_features::TYPE_NAME,
        data_sources::organization_features::PERMISSIONS,
    ),
    (
        TypeKind::DataSource,
        data_sources::caller_identity::TYPE_NAME,
        data_sources::caller_identity::PERMISSIONS,
    ),
    (
        TypeKind::DataSource,
        data_sources::member_root_credentials::TYPE_NAME,
        data_sources::member_root_credentials::PERMISSIONS,
    ),
    (
        TypeKind::DataSource,
        data_sources::organization_root_credentials::TYPE_NAME,
        data_sources::organization_root_credentials::PERMISSIONS,
    ),
    (
        TypeKind::EphemeralResource,
        ephemeral_resources::root_session::TYPE_NAME,
        ephemeral_resources::root_session::PERMISSIONS,
    ),
    (
        TypeKind::Action,
        actions::delete_root_credentials::TYPE_NAME,
        actions::delete_root_credentials::PERMISSIONS,
    ),
    (
        TypeKind::Action,
        actions::allow_root_password_recovery::TYPE_NAME,
        actions::allow_root_password_recovery::PERMISSIONS,
    ),
    (
        TypeKind::Action,
        actions::unlock_s3_bucket_policy::TYPE_NAME,
        actions::unlock_s3_bucket_policy::PERMISSIONS,
    ),
    (
        TypeKind::Action,
        actions::unlock_sqs_queue_policy::TYPE_NAME,
        actions::unlock_sqs_queue_policy::PERMISSIONS,
    ),
    (
        TypeKind::ListResource,
        resources::organization_features::TYPE_NAME,
        list_resources::organization_features::PERMISSIONS,
    ),
    (
        TypeKind::ListResource,
        resources::delegated_admin::TYPE_NAME,
        list_resources::delegated_admin::PERMISSIONS,
    ),
    (
        TypeKind::ListResource,
        resources::root_credentials_removal::TYPE_NAME,
        list_resources::root_credentials_removal::PERMISSIONS,
    ),
];

/// The permissions of type `type_name` of `kind`.
pub fn of(kind: TypeKind, type_name: &str) -> Option<&'static Permissions> {
    TYPES
        .iter()
        .find(|(k, name, _)| *k == kind && *name == type_name)
        .map(|(_, _, permissions)| permissions)
}

/// What the provider block and every type need together: the provider's IAM policy.
pub fn everything() -> Grant {
    let grants: Vec<Grant> = std::iter::once(&PROVIDER)
        .chain(TYPES.iter().map(|(_, _, permissions)| permissions))
        .map(Permissions::grant)
        .collect();
    Grant::union(&grants)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::framework::provider::{Named, Provider};
    use crate::provider::CentralRootProvider;

    /// The names of `types`, of kind `kind`.
    fn named<T: ?Sized>(kind: TypeKind, types: Vec<Named<T>>) -> Vec<(TypeKind, &'static str)> {
        types.iter().map(|(name, _)| (kind, *name)).collect()
    }

    /// Every type the provider serves, by kind and name.
    fn served() -> BTreeSet<(TypeKind, &'static str)> {
        let provider = CentralRootProvider;
        [
            named(TypeKind::Resource, provider.resources()),
            named(TypeKind::DataSource, provider.data_sources()),
            named(TypeKind::EphemeralResource, provider.ephemeral_resources()),
            named(TypeKind::Action, provider.actions()),
            named(TypeKind::ListResource, provider.list_resources()),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    #[test]
    fn every_type_served_has_its_permissions_and_no_other() {
        let listed: Vec<(TypeKind, &str)> =
            TYPES.iter().map(|(kind, name, _)| (*kind, *name)).collect();
        let unique: BTreeSet<(TypeKind, &str)> = listed.iter().copied().collect();
        assert_eq!(unique.len(), listed.len(), "a type is listed twice");
        let missing: Vec<_> = served().difference(&unique).copied().collect();
        assert!(
            missing.is_empty(),
            "{missing:?} have no permissions: declare `PERMISSIONS` beside the schema and add \
             it to provider::permissions::TYPES"
        );
        assert_eq!(
            unique,
            served(),
            "TYPES lists a type the provider does not serve"
        );
        for (kind, name, permissions) in TYPES {
            assert!(
                !permissions.grant().is_empty(),
                "{kind:?} {name} calls nothing?"
            );
            assert!(of(*kind, name).is_some(), "{kind:?} {name}");
        }
    }

    #[test]
    fn the_provider_s_policy_covers_every_task_it_opens_sessions_for() {
        let all = everything();
        assert!(all.actions().contains(&"sts:GetCallerIdentity".to_owned()));
        assert_eq!(
            all.task_policies().len(),
            5,
            "the ephemeral session takes any"
        );
        assert!(all.caller.iter().all(|op| !op.in_root_session()));
    }
}
