//! Errors that name their cause under real Terraform: an endpoint where nothing listens names
//! its URL and the setting it came from, and fails within seconds instead of retrying like
//! throttling; missing credentials and a missing profile say so, instead of blaming the network.

use std::time::Duration;

use crate::errors::assert_says;
use crate::support::sandbox::MANAGEMENT;
use crate::support::{Case, Cases, Run, SandboxFixture, Terraform, Workspace};

const REQUIRED_PROVIDERS: &str = r#"terraform {
  required_providers {
    centralroot = {
      source = "centralroot/centralroot"
    }
  }
}
"#;

/// A data source read at plan time and a resource created at apply: both call Organizations
/// first.
const BODY: &str = r#"
data "centralroot_organization_features" "this" {}

resource "centralroot_organization_features" "this" {
  enable_trusted_access = true
  enabled_features      = ["RootCredentialsManagement", "RootSessions"]
}
"#;

/// A generous functional bound on a failing command, not a benchmark: before the fix the same
/// commands took 27 to 88 s (plan) and about 2.5 minutes (apply), so anything under 10 s shows
/// that a refused connection is no longer retried like throttling, even on a loaded machine.
const QUICK: Duration = Duration::from_secs(10);

/// A loopback URL nothing listens on: a port bound, then released.
fn stopped_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let url = format!("http://{}", listener.local_addr().expect("bound address"));
    drop(listener);
    url
}

#[track_caller]
fn assert_quick(run: &Run) {
    assert!(
        run.elapsed < QUICK,
        "failed after {:?}, expected under {QUICK:?}:\n{run}",
        run.elapsed
    );
}

fn a_stopped_endpoint_from_the_environment_fails_within_seconds_naming_it(tf: &'static Terraform) {
    let sandbox = SandboxFixture::default_seed();
    let url = stopped_endpoint();
    let mut ws = Workspace::new(tf, "stopped-endpoint-env");
    // The sandbox's keys, but AWS_ENDPOINT_URL left pointing where nothing listens, as
    // after the sandbox stopped.
    sandbox.configure(&mut ws, MANAGEMENT);
    ws.set_env("AWS_ENDPOINT_URL", &url);
    ws.write_main(&format!(
        "{REQUIRED_PROVIDERS}\nprovider \"centralroot\" {{}}\n{BODY}"
    ));
    for command in [&["plan"][..], &["apply", "-auto-approve"]] {
        let run = ws.run(command);
        run.assert_failure();
        assert_says(
            &run,
            &format!("Error: Nothing answers at the Organizations endpoint {url}"),
        );
        assert_says(
            &run,
            &format!(
                "Nothing accepted a connection at {url}, the Organizations endpoint, which \
                     comes from the environment variable AWS_ENDPOINT_URL."
            ),
        );
        assert_says(&run, "refused the connection (attempt 3)");
        assert!(!run.stderr.contains("Could not reach AWS"), "{run}");
        assert_quick(&run);
    }
    assert!(ws.resources().is_empty(), "nothing in state");
}

fn a_stopped_endpoint_from_the_provider_block_names_the_block(tf: &'static Terraform) {
    let sandbox = SandboxFixture::default_seed();
    let url = stopped_endpoint();
    let creds = sandbox.credentials(MANAGEMENT);
    let mut ws = Workspace::new(tf, "stopped-endpoint-block");
    ws.set_env("AWS_REGION", "us-east-1");
    ws.write_main(&format!(
        "{REQUIRED_PROVIDERS}
provider \"centralroot\" {{
  access_key = \"{}\"
  secret_key = \"{}\"
  endpoints {{
    iam           = \"{url}\"
    organizations = \"{url}\"
    sts           = \"{url}\"
  }}
}}
{BODY}",
        creds.access_key_id, creds.secret_access_key
    ));
    let run = ws.run(&["plan"]);
    run.assert_failure();
    assert_says(
        &run,
        &format!(
            "Nothing accepted a connection at {url}, the Organizations endpoint, which \
                 comes from endpoints {{ organizations }} in the provider block."
        ),
    );
    assert_quick(&run);
}

fn missing_credentials_are_not_reported_as_a_network_failure(tf: &'static Terraform) {
    let sandbox = SandboxFixture::default_seed();
    let mut ws = Workspace::new(tf, "no-credentials");
    // The sandbox's endpoint, and no credentials anywhere: the home directory is empty.
    ws.set_env("AWS_ENDPOINT_URL", &sandbox.endpoint_url());
    ws.set_env("AWS_REGION", "us-east-1");
    ws.write_main(&format!(
        "{REQUIRED_PROVIDERS}\nprovider \"centralroot\" {{}}\n{BODY}"
    ));
    let run = ws.run(&["plan"]);
    run.assert_failure();
    assert_says(&run, "Error: No AWS credentials were found");
    assert_says(&run, "The provider found no credentials");
    assert!(!run.stderr.contains("Could not reach"), "{run}");
    assert!(
        sandbox.requests().operations.is_empty(),
        "nothing was sent unsigned"
    );
}

fn a_missing_profile_is_named_where_it_was_named(tf: &'static Terraform) {
    let sandbox = SandboxFixture::default_seed();
    let mut ws = Workspace::new(tf, "missing-profile");
    ws.set_env("AWS_ENDPOINT_URL", &sandbox.endpoint_url());
    ws.set_env("AWS_REGION", "us-east-1");
    ws.write("aws_config", "[profile management]\nregion = us-east-1\n");
    let config_file = ws.dir().join("aws_config");
    ws.set_env("AWS_CONFIG_FILE", &config_file.display().to_string());

    // In the provider block: the error points at the argument.
    ws.write_main(&format!(
        "{REQUIRED_PROVIDERS}\nprovider \"centralroot\" {{\n  profile = \"nope\"\n}}\n{BODY}"
    ));
    let line = ws.line_of("main.tf", "profile = \"nope\"");
    let run = ws.run(&["plan"]);
    run.assert_failure();
    assert_says(&run, "Error: AWS profile \"nope\" not found");
    assert_says(&run, &format!("{line}: profile = \"nope\""));
    assert_says(
        &run,
        &format!(
            "none of the shared AWS files read defines it: {} (AWS_CONFIG_FILE), \
                 ~/.aws/credentials. They define: management.",
            config_file.display()
        ),
    );

    // Through AWS_PROFILE: the error names the variable.
    ws.write_main(&format!(
        "{REQUIRED_PROVIDERS}\nprovider \"centralroot\" {{}}\n{BODY}"
    ));
    ws.set_env("AWS_PROFILE", "nope");
    let run = ws.run(&["plan"]);
    run.assert_failure();
    assert_says(&run, "Error: AWS profile \"nope\" not found");
    assert_says(
        &run,
        "The environment variable AWS_PROFILE=nope names the AWS profile",
    );
    assert!(
        sandbox.requests().operations.is_empty(),
        "stopped before any call"
    );
}

pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::each_cli(
            "a_stopped_endpoint_from_the_environment_fails_within_seconds_naming_it",
            a_stopped_endpoint_from_the_environment_fails_within_seconds_naming_it,
        ),
        Case::each_cli(
            "a_stopped_endpoint_from_the_provider_block_names_the_block",
            a_stopped_endpoint_from_the_provider_block_names_the_block,
        ),
        Case::each_cli(
            "missing_credentials_are_not_reported_as_a_network_failure",
            missing_credentials_are_not_reported_as_a_network_failure,
        ),
        Case::each_cli(
            "a_missing_profile_is_named_where_it_was_named",
            a_missing_profile_is_named_where_it_was_named,
        ),
    ],
);
