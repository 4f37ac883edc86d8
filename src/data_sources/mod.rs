//! The provider's data source types, one module per type.
//!
//! - [`organization_features`]: `centralroot_organization_features`, everything a `check` block
//!   needs to tell whether the organization uses centralized root access.

pub mod organization_features;

pub use organization_features::OrganizationFeaturesDataSource;
