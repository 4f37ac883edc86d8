//! The provider's managed resource types, one module each.

pub mod delegated_admin;
