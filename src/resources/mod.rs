//! The provider's managed resource types, one module per type.
//!
//! - [`delegated_admin`]: `centralroot_delegated_admin`, a delegated administrator registration.
//! - [`organization_features`]: `centralroot_organization_features`, the organization's IAM
//!   centralized root access features.
//! - [`delegated_admin`]: `centralroot_delegated_admin`, a delegated administrator.

pub mod delegated_admin;
pub mod organization_features;

pub use delegated_admin::DelegatedAdminResource;
pub use organization_features::OrganizationFeaturesResource;
