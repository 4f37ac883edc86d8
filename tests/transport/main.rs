//! The go-plugin transport of the real provider binary, started the way Terraform starts it:
//! `conformance` for what must work, `security` for what must be refused.

mod conformance;
mod security;
mod support;
