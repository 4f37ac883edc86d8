//! The provider's managed resource types, one module per type.
//!
//! - [`organization_features`]: `centralroot_organization_features`, the organization's IAM
//!   centralized root access features.

pub mod organization_features;

pub use organization_features::OrganizationFeaturesResource;
