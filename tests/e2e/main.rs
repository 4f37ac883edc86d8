//! End-to-end tests: real Terraform CLIs drive the freshly built provider (against the sandbox
//! where AWS is involved). One test binary, one module per subject; `support` is the harness.
//!
//! The binary is its own harness (`harness = false`): every module lists its tests in a
//! `CASES` table, and each (test, CLI) pair is a trial of its own (`support::cases`).

use std::process::ExitCode;

use support::Cases;

mod adoption;
mod bench;
mod connection_errors;
mod delegated_admin;
mod delete_action_warning;
mod doc_snippets;
mod errors;
mod examples;
mod first_hour;
mod interruptions;
mod least_privilege;
mod moved;
mod organization_audit;
mod organization_features;
mod password_recovery;
mod protocol;
mod release;
mod reliability;
mod removal_interruptions;
mod removal_plans;
mod removal_query;
mod root_credentials;
mod root_credentials_scale;
mod root_session;
mod sandbox_command;
mod scripts;
mod secrets;
mod service_control_policies;
mod support;
mod trusted_access_on_destroy;
mod unauditable_member;
mod unlock;

/// Every module's tests.
const MODULES: &[&Cases] = &[
    &adoption::CASES,
    &bench::CASES,
    &connection_errors::CASES,
    &delegated_admin::CASES,
    &delete_action_warning::CASES,
    &doc_snippets::CASES,
    &errors::CASES,
    &examples::CASES,
    &first_hour::CASES,
    &interruptions::CASES,
    &least_privilege::CASES,
    &moved::CASES,
    &organization_audit::CASES,
    &organization_features::CASES,
    &password_recovery::CASES,
    &protocol::CASES,
    &release::archive::CASES,
    &release::mirror::CASES,
    &release::signing::CASES,
    &release::workflow::CASES,
    &reliability::CASES,
    &removal_interruptions::CASES,
    &removal_query::CASES,
    &removal_plans::CASES,
    &root_credentials::CASES,
    &root_credentials_scale::CASES,
    &root_session::CASES,
    &sandbox_command::CASES,
    &scripts::CASES,
    &secrets::CASES,
    &service_control_policies::CASES,
    &trusted_access_on_destroy::CASES,
    &unauditable_member::CASES,
    &unlock::CASES,
];

fn main() -> ExitCode {
    let args = libtest_mimic::Arguments::from_args();
    let trials = support::cases::trials(&args, MODULES);
    let whole_run = args.filter.is_none() && args.skip.is_empty() && !args.list && !args.ignored;
    let conclusion = libtest_mimic::run(&args, trials);
    // After every test, every type must have had its requests checked at least once.
    let unchecked = support::permissions::unchecked_types();
    if whole_run && !conclusion.has_failed() && !unchecked.is_empty() {
        eprintln!(
            "no end-to-end test checked the requests of these types against their permissions \
             (a test of each must run Terraform in a workspace pointed at the sandbox): \
             {unchecked:?}"
        );
        return ExitCode::FAILURE;
    }
    conclusion.exit_code()
}
