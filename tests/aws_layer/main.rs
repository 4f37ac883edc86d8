//! The AWS layer against the sandbox, through the real SDK (and, where the sandbox cannot lose
//! an answer, against scripted endpoints): one module per area of `src/aws`, `support` for the
//! seeded accounts, clients and sandboxes they share.

mod assume_root;
mod connection_errors;
mod delegated_admin_registration;
mod delegated_admins;
mod features;
mod lost_answers;
mod organization_audit;
mod partition;
mod root_credentials;
mod root_removal;
mod scp;
mod support;
mod throttling;
