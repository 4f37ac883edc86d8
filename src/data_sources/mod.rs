//! The provider's data source types, one module per type, each with its schema and the model
//! it writes; the provider's list in [`crate::provider`] serves them.

pub mod caller_identity;
pub mod member_root_credentials;
pub mod organization_features;
pub mod organization_root_credentials;
