//! The provider's managed resource types, one module per type, each with its schema, its
//! typed model and its operations. They receive the [`crate::aws::Aws`] clients and share
//! advice and attribute sets with the data sources through [`crate::types_common`].
//!
//! - [`delegated_admin`]: `centralroot_delegated_admin`, a delegated administrator registration.
//! - [`organization_features`]: `centralroot_organization_features`, the organization's IAM
//!   centralized root access features.

pub mod delegated_admin;
pub mod organization_features;

pub use delegated_admin::DelegatedAdminResource;
pub use organization_features::OrganizationFeaturesResource;
