//! The provider's managed resource types, one module per type, each with its schema, its typed
//! model and its operations; the provider's list in [`crate::provider`] serves them. They
//! receive the [`crate::aws::Aws`] clients and share advice and attribute sets with the data
//! sources through [`crate::types_common`].

pub mod delegated_admin;
pub mod organization_features;
pub mod root_credentials_removal;
pub mod root_password_recovery;

#[cfg(test)]
pub(crate) mod test_support;
