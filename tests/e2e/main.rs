//! End-to-end tests: real Terraform CLIs drive the freshly built provider (against the sandbox
//! where AWS is involved). One test binary, one module per subject; `support` is the harness.

mod adoption;
mod connection_errors;
mod delegated_admin;
mod delete_action_warning;
mod doc_snippets;
mod errors;
mod examples;
mod first_hour;
mod interruptions;
mod moved;
mod organization_audit;
mod organization_features;
mod protocol;
mod release;
mod reliability;
mod removal_interruptions;
mod root_credentials;
mod root_credentials_scale;
mod root_session;
mod secrets;
mod support;
mod trusted_access_on_destroy;
mod unauditable_member;
