//! The provider's action types (Terraform ≥ 1.14), one module per type; the provider's list in
//! [`crate::provider`] serves them.

pub mod allow_root_password_recovery;
pub mod delete_root_credentials;
