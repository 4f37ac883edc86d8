//! Secrets never leave the provider (issue 5): with `TF_LOG=TRACE`, an apply, a saved plan and a
//! destroy leave no secret access key and no session token in any log line, any output, the
//! plan (as `show -json` renders it, and the file's bytes) or the state. Once with credentials
//! from the environment, once with `access_key`/`secret_key`/`token` in the provider block.

use std::fs;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;

use crate::reliability::{admins_config, member_ids, seed_with_trusted_access};
use crate::support::sandbox::MANAGEMENT;
use crate::support::{Case, Cases, Run, SandboxFixture, Terraform, Workspace};

/// What the scan looked at, so a test can tell it was not vacuous.
pub struct Scanned {
    pub log_lines: usize,
    pub texts: usize,
}

/// Fails the test if any of `secrets` occurs in any text; returns how much was scanned.
#[track_caller]
pub fn scan(secrets: &[String], runs: &[Run], files: &[(String, Vec<u8>)]) -> Scanned {
    assert!(
        secrets.iter().all(|s| s.len() >= 16),
        "secrets too short to be meaningful"
    );
    let mut texts: Vec<(String, String)> = Vec::new();
    for run in runs {
        let name = format!("{}", run.files.display());
        texts.push((format!("{name}.stdout"), run.stdout.clone()));
        texts.push((format!("{name}.stderr"), run.stderr.clone()));
        texts.push((format!("{name}.log"), run.log.clone()));
    }
    for (name, bytes) in files {
        texts.push((name.clone(), String::from_utf8_lossy(bytes).into_owned()));
    }
    for (name, text) in &texts {
        for secret in secrets {
            if let Some(line) = text.lines().find(|line| line.contains(secret.as_str())) {
                let shown: String = secret.chars().take(4).collect();
                panic!("secret {shown}… found in {name}: {line}");
            }
        }
    }
    Scanned {
        log_lines: runs.iter().map(|r| r.log.lines().count()).sum(),
        texts: texts.len(),
    }
}

/// Every seeded secret access key.
pub fn seeded_secrets(fixture: &SandboxFixture) -> Vec<String> {
    fixture
        .state()
        .accounts
        .iter()
        .map(|a| a.secret_access_key.clone())
        .collect()
}

/// Temporary credentials of a role session in the management account: (key id, secret, token).
fn role_session(fixture: &SandboxFixture) -> (String, String, String) {
    let creds = fixture.credentials(MANAGEMENT);
    let config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(fixture.endpoint_url())
        .credentials_provider(SharedCredentialsProvider::new(
            aws_credential_types::Credentials::new(
                creds.access_key_id,
                creds.secret_access_key,
                None,
                None,
                "test",
            ),
        ))
        .build();
    let sts = aws_sdk_sts::Client::new(&config);
    let output = fixture
        .block_on(
            sts.assume_role()
                .role_arn(format!("arn:aws:iam::{MANAGEMENT}:role/OrganizationAdmin"))
                .role_session_name("secrets-e2e")
                .send(),
        )
        .expect("AssumeRole in the sandbox");
    let session = output.credentials().expect("session credentials");
    (
        session.access_key_id().to_owned(),
        session.secret_access_key().to_owned(),
        session.session_token().to_owned(),
    )
}

/// Applies, saves and renders a plan, then destroys, at TRACE; returns every run and the plan
/// and state files as they were after the apply.
fn lifecycle(ws: &Workspace) -> (Vec<Run>, Vec<(String, Vec<u8>)>) {
    let mut runs = vec![ws.apply()];
    let state = fs::read(ws.dir().join("terraform.tfstate")).expect("state after apply");
    assert!(
        String::from_utf8_lossy(&state).contains("centralroot_delegated_admin"),
        "the state holds the resources"
    );
    runs.push(ws.run_ok(&["plan", "-out=saved.tfplan"]));
    runs.push(ws.run_ok(&["show", "-json", "saved.tfplan"]));
    let plan = fs::read(ws.dir().join("saved.tfplan")).expect("saved plan");
    runs.push(ws.destroy());
    let after = fs::read(ws.dir().join("terraform.tfstate")).expect("state after destroy");
    let files = vec![
        ("terraform.tfstate (after apply)".to_owned(), state),
        ("saved.tfplan".to_owned(), plan),
        ("terraform.tfstate (after destroy)".to_owned(), after),
    ];
    (runs, files)
}

fn no_secret_in_logs_plans_or_state_with_environment_credentials(tf: &'static Terraform) {
    let fixture = SandboxFixture::start(seed_with_trusted_access());
    let mut ws = Workspace::new(tf, "secrets-env");
    fixture.configure(&mut ws, MANAGEMENT);
    ws.set_env("TF_LOG", "TRACE");
    ws.write_main(&admins_config(&member_ids(2), ""));

    let (runs, files) = lifecycle(&ws);
    let scanned = scan(&seeded_secrets(&fixture), &runs, &files);
    assert!(
        scanned.log_lines > 100,
        "TRACE produced only {} log lines",
        scanned.log_lines
    );
    // The provider's own trace lines are among them.
    assert!(
        runs[0]
            .log
            .contains("provider.terraform-provider-centralroot"),
        "the log holds the provider's lines"
    );
    eprintln!(
        "{tf}: scanned {} log lines in {} texts",
        scanned.log_lines, scanned.texts
    );
}

fn no_secret_or_session_token_with_credentials_in_the_provider_block(tf: &'static Terraform) {
    let fixture = SandboxFixture::start(seed_with_trusted_access());
    let mut ws = Workspace::new(tf, "secrets-block");
    // Only the endpoint and region from the environment: the keys are in the block.
    ws.set_env("AWS_ENDPOINT_URL", &fixture.endpoint_url());
    ws.set_env("AWS_REGION", "us-east-1");
    ws.set_env("TF_LOG", "TRACE");
    let (key_id, secret, token) = role_session(&fixture);
    // From files, so the configuration holds expressions: `show -json` prints constants of
    // the configuration as written, which would be the user's doing, not the provider's.
    ws.write("secret_key.txt", &secret);
    ws.write("token.txt", &token);
    let settings = format!(
        "  access_key = \"{key_id}\"\n  secret_key = file(\"secret_key.txt\")\n  token      = file(\"token.txt\")"
    );
    ws.write_main(&admins_config(&member_ids(2), &settings));

    let (runs, files) = lifecycle(&ws);
    // The session was used: the sandbox saw its key.
    let used = fixture.requests().access_keys.get(&key_id).copied();
    assert!(used.unwrap_or(0) > 0, "the session key made no request");
    let mut secrets = seeded_secrets(&fixture);
    secrets.push(secret);
    secrets.push(token);
    let scanned = scan(&secrets, &runs, &files);
    assert!(
        scanned.log_lines > 100,
        "TRACE produced only {} log lines",
        scanned.log_lines
    );
    eprintln!(
        "{tf}: scanned {} log lines in {} texts",
        scanned.log_lines, scanned.texts
    );
}

fn the_scan_finds_a_planted_secret() {
    let secret = "wJalrXUtnFEMI/K7MDENG/planted".to_owned();
    let files = vec![(
        "state".to_owned(),
        format!("{{\"x\":\"{secret}\"}}").into_bytes(),
    )];
    let found = std::panic::catch_unwind(|| scan(std::slice::from_ref(&secret), &[], &files));
    assert!(found.is_err(), "a planted secret went unnoticed");
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::each_cli(
            "no_secret_in_logs_plans_or_state_with_environment_credentials",
            no_secret_in_logs_plans_or_state_with_environment_credentials,
        ),
        Case::each_cli(
            "no_secret_or_session_token_with_credentials_in_the_provider_block",
            no_secret_or_session_token_with_credentials_in_the_provider_block,
        ),
        Case::once(
            "the_scan_finds_a_planted_secret",
            the_scan_finds_a_planted_secret,
        ),
    ],
);
