//! The provider's list resource types for `terraform query` (Terraform ≥ 1.14), one module per
//! type, each named after the managed resource type whose objects it finds and answering
//! each object as that type's read after an import would, so `-generate-config-out` followed
//! by a plan imports them and changes nothing.

pub mod delegated_admin;
pub mod organization_features;
pub mod root_credentials_removal;

#[cfg(test)]
mod test_support;
