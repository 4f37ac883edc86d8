//! What the resources and data sources share, below both: how an AWS failure reads as a
//! diagnostic ([`advice`]), how AWS objects more than one type shows read as attribute values
//! ([`delegated_admin`], [`root_credentials`]), what every type acting through a root session
//! shares ([`root_task`]) and how it records that session ([`evidence`]), the one flow of the
//! actions on one member account ([`root_task_action`]), what both unlock
//! actions share ([`unlock`]), what every removal of root credentials reads ([`removal`]) and
//! what both ways of allowing password recovery say ([`recovery`]), the organization audit of
//! the members a configuration selects ([`audit_scope`]), how the state `moved` blocks bring from
//! hashicorp/aws is read ([`moved`]), and how each type declares what it may ask of AWS
//! ([`permissions`]).
//!
//! It sits between [`crate::aws`], which knows no Terraform, and the types, which must not
//! depend on each other: `resources` and `data_sources` → `types_common` → `aws`, `framework`,
//! `cty`.

pub mod advice;
pub mod audit_scope;
pub mod delegated_admin;
pub mod evidence;
pub mod moved;
pub mod permissions;
pub mod recovery;
pub mod removal;
pub mod root_credentials;
pub mod root_task;
pub mod root_task_action;
pub mod unlock;

pub use advice::Targets;
