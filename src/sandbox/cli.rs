//! `terraform-provider-centralroot sandbox`.

use std::process::ExitCode;

/// Runs the sandbox command line.
pub fn main(_args: &[String]) -> ExitCode {
    eprintln!("the sandbox is not built yet");
    ExitCode::FAILURE
}
