//! The provider's ephemeral resource types (Terraform ≥ 1.10), one module per type: values
//! opened for one run, such as credentials, which never reach plan or state. The provider's
//! list in [`crate::provider`] serves them.

pub mod root_session;
