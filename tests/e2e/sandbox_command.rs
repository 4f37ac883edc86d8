//! `terraform-provider-centralroot sandbox`, the command the README's quick start and
//! `scripts/demo.sh` run: the binary serves the sandbox crate's command line (whose flags and
//! hostile input the sandbox crate's own tests cover), prints the ready line, answers a signed
//! call and stops cleanly on SIGTERM. `--help` answers in every spelling, and the sandbox guide
//! gives the provider's attempt timeout where its commit-then-timeout fault needs it.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use centralroot_sandbox::child::ChildSandbox;
use std::path::Path;
use std::process::Command;

use centralroot::aws::ATTEMPT_TIMEOUT;

use crate::support::sandbox::MANAGEMENT;
use crate::support::{Case, Cases};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-centralroot");

fn the_provider_binary_runs_the_sandbox() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let child = ChildSandbox::spawn(Path::new(PROVIDER_BINARY), Some("sandbox"), &[])
            .await
            .expect("the sandbox starts and prints its ready line");
        assert!(
            child
                .ready_line
                .starts_with("export AWS_ENDPOINT_URL='http://127.0.0.1:")
                && child.ready_line.ends_with(
                    " AWS_REGION='us-east-1' AWS_DEFAULT_REGION='us-east-1' # sandbox ready: management account 111111111111"
                ),
            "{}",
            child.ready_line
        );
        let credentials = aws_credential_types::Credentials::new(
            child.credentials.access_key_id.clone(),
            child.credentials.secret_access_key.clone(),
            None,
            None,
            "sandbox-command",
        );
        let config = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(&child.endpoint_url)
            .credentials_provider(SharedCredentialsProvider::new(credentials))
            .build();
        let identity = aws_sdk_sts::Client::new(&config)
            .get_caller_identity()
            .send()
            .await
            .expect("a signed call to the sandbox");
        assert_eq!(identity.account(), Some(MANAGEMENT));
        let (status, rest) = child.stop(libc::SIGTERM).await.expect("stopping it");
        assert!(status.success(), "{status:?}");
        assert_eq!(rest, "", "one line on stdout, nothing else");
    });
}

/// Runs the provider binary with `args`; answers its exit code and stdout.
fn run(args: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(PROVIDER_BINARY)
        .args(args)
        .output()
        .expect("the provider binary runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

fn help_prints_the_usage_in_every_spelling() {
    const BINARY: (&str, &str) = ("usage: terraform-provider-centralroot [", "sandbox [FLAGS]");
    const SANDBOX: (&str, &str) = (
        "usage: terraform-provider-centralroot sandbox [",
        "AWS_DEFAULT_REGION",
    );
    for (spelling, (usage, mention)) in [
        (&["--help"][..], BINARY),
        (&["-h"], BINARY),
        (&["help"], BINARY),
        (&["sandbox", "--help"], SANDBOX),
        (&["sandbox", "-h"], SANDBOX),
        (&["sandbox", "help"], SANDBOX),
        (&["help", "sandbox"], SANDBOX),
    ] {
        let (code, stdout) = run(spelling);
        assert_eq!(code, Some(0), "{spelling:?}: {stdout}");
        assert!(
            stdout.starts_with(usage) && stdout.contains(mention),
            "{spelling:?}: {stdout}"
        );
    }
    let (code, _) = run(&["--bogus"]);
    assert_eq!(code, Some(1), "an unknown argument is still refused");
}

fn the_sandbox_guide_gives_the_attempt_timeout_the_hold_must_exceed() {
    let guide = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/guides/sandbox.md"),
    )
    .expect("the sandbox guide");
    let seconds = ATTEMPT_TIMEOUT.as_secs();
    let row = guide
        .lines()
        .find(|line| line.starts_with("| `commit_then_timeout_hold_ms` |"))
        .expect("the guide's row of commit_then_timeout_hold_ms");
    for needle in [
        format!("each attempt {seconds} seconds"),
        format!("above `{}`", ATTEMPT_TIMEOUT.as_millis()),
    ] {
        assert!(row.contains(&needle), "{needle:?} in {row}");
    }
    let example = guide
        .lines()
        .skip_while(|line| !line.contains("answer never comes"))
        .take_while(|line| !line.starts_with("```"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        example.contains(&format!("its {seconds}-second attempt timeout")),
        "{example}"
    );
    let held: u128 = example
        .split(r#""commit_then_timeout_hold_ms": "#)
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|ms| ms.parse().ok())
        .expect("the example's hold");
    assert!(held > ATTEMPT_TIMEOUT.as_millis(), "{example}");
}

pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::once(
            "the_provider_binary_runs_the_sandbox",
            the_provider_binary_runs_the_sandbox,
        ),
        Case::once(
            "help_prints_the_usage_in_every_spelling",
            help_prints_the_usage_in_every_spelling,
        ),
        Case::once(
            "the_sandbox_guide_gives_the_attempt_timeout_the_hold_must_exceed",
            the_sandbox_guide_gives_the_attempt_timeout_the_hold_must_exceed,
        ),
    ],
);
