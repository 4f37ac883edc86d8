//! `centralroot_root_session` under real Terraform (1.15; ephemeral resources need 1.10): its
//! credentials configure a second provider block, whose `centralroot_caller_identity` shows the
//! member's root user; the secret and the session token appear in no state, saved plan, output
//! or TRACE log; the sandbox saw root sessions with the configured task policy and nothing
//! else. Refusals (RootSessions off, a caller that may not open root sessions, an SCP, the
//! management account as target) and invalid arguments are diagnostics on the argument at
//! fault. Terraform 1.0 only proves that a configuration without ephemeral blocks still works.

use std::fs;

use centralroot_sandbox::Seed;
use centralroot_sandbox::identity::TaskPolicy;
use centralroot_sandbox::seed::{Feature, TrustedAccess};
use centralroot_sandbox::state::SessionKind;

use crate::errors::assert_says;
use crate::examples::REQUIRED_PROVIDERS;
use crate::secrets::{scan, seeded_secrets};
use crate::support::sandbox::{IAM, MANAGEMENT, MEMBERS};
use crate::support::{Case, Cases, SandboxFixture, Terraform, Workspace};

const AUDIT: &str = "IAMAuditRootUserCredentials";

/// The default organization with trusted access for IAM and `features` enabled.
fn seed(features: &[Feature]) -> Seed {
    let mut seed = Seed::default_seed();
    seed.trusted_access.push(TrustedAccess {
        service_principal: IAM.into(),
        date_enabled: 1_700_000_000,
    });
    seed.features = features.to_vec();
    seed
}

fn both_features() -> Seed {
    seed(&[Feature::RootCredentialsManagement, Feature::RootSessions])
}

/// A root session on `account` with `arguments` (one `name = value` line each), a provider
/// block configured from it, and the caller identities of both provider blocks as outputs.
fn session_config(url: &str, account: &str, arguments: &str) -> String {
    format!(
        r#"{REQUIRED_PROVIDERS}
ephemeral "centralroot_root_session" "audit" {{
  account_id = "{account}"
{arguments}
}}

provider "centralroot" {{
  alias      = "root"
  access_key = ephemeral.centralroot_root_session.audit.access_key_id
  secret_key = ephemeral.centralroot_root_session.audit.secret_access_key
  token      = ephemeral.centralroot_root_session.audit.session_token
  endpoints {{
    iam           = "{url}"
    organizations = "{url}"
    sts           = "{url}"
  }}
}}

data "centralroot_caller_identity" "root" {{
  provider = centralroot.root
}}

data "centralroot_caller_identity" "caller" {{}}

output "root_arn" {{
  value = data.centralroot_caller_identity.root.arn
}}

output "caller_arn" {{
  value = data.centralroot_caller_identity.caller.arn
}}
"#
    )
}

/// Only the caller identity: what Terraform before 1.10 can run.
fn identity_config() -> String {
    format!(
        r#"{REQUIRED_PROVIDERS}
data "centralroot_caller_identity" "caller" {{}}

output "caller" {{
  value = data.centralroot_caller_identity.caller
}}
"#
    )
}

fn workspace(tf: &'static Terraform, fx: &SandboxFixture, name: &str) -> Workspace {
    let mut ws = Workspace::new(tf, name);
    fx.configure(&mut ws, MANAGEMENT);
    ws
}

/// Every root session the sandbox issued: (access key id, secret, token, account, policy).
fn root_sessions(fx: &SandboxFixture) -> Vec<(String, String, String, String, TaskPolicy)> {
    fx.sandbox()
        .sessions()
        .into_iter()
        .filter_map(|(key, session)| match session.kind {
            SessionKind::Root(policy) => Some((
                key,
                session.secret,
                session.token,
                session.account_id,
                policy,
            )),
            SessionKind::Role { .. } => None,
        })
        .collect()
}

fn a_second_provider_acts_as_the_member_root_and_no_secret_is_kept(tf: &'static Terraform) {
    let fx = SandboxFixture::start(both_features());
    let mut ws = workspace(tf, &fx, "root-session");
    if !tf.at_least(1, 10) {
        ws.write_main(&identity_config());
        ws.apply();
        let outputs = ws.run_ok(&["output", "-json"]).json();
        let caller = &outputs["caller"]["value"];
        assert_eq!(caller["account_id"], MANAGEMENT, "{tf}: {outputs}");
        assert_eq!(
            caller["arn"],
            format!("arn:aws:iam::{MANAGEMENT}:user/sandbox-admin"),
            "{tf}: {outputs}"
        );
        return;
    }
    ws.set_env("TF_LOG", "TRACE");
    let member = MEMBERS[0];
    ws.write_main(&session_config(
        &fx.endpoint_url(),
        member,
        &format!("  task_policy = \"{AUDIT}\""),
    ));

    let mut runs = vec![ws.apply()];
    let outputs = ws.run_ok(&["output", "-json"]).json();
    assert_eq!(
        outputs["root_arn"]["value"],
        format!("arn:aws:iam::{member}:root"),
        "{tf}: {outputs}"
    );
    assert_eq!(
        outputs["caller_arn"]["value"],
        format!("arn:aws:iam::{MANAGEMENT}:user/sandbox-admin"),
        "{tf}: {outputs}"
    );
    runs.push(ws.run_ok(&["plan", "-out=saved.tfplan"]));
    runs.push(ws.run_ok(&["show", "-json", "saved.tfplan"]));
    let state = fs::read(ws.dir().join("terraform.tfstate")).expect("state after apply");
    let plan = fs::read(ws.dir().join("saved.tfplan")).expect("saved plan");
    let state_text = String::from_utf8_lossy(&state);
    assert!(
        state_text.contains("centralroot_caller_identity"),
        "the state holds the data sources"
    );
    assert!(
        !state_text.contains("centralroot_root_session"),
        "the ephemeral resource is in the state:\n{state_text}"
    );

    // Terraform opened the session in the apply's plan, its apply, and the saved plan.
    let sessions = root_sessions(&fx);
    assert!(
        sessions.len() >= 2,
        "{tf}: root sessions {}",
        sessions.len()
    );
    for (_, _, _, account, policy) in &sessions {
        assert_eq!(
            (account.as_str(), *policy),
            (member, TaskPolicy::AuditRootUserCredentials),
            "{tf}"
        );
    }
    // The scanned log holds the provider's lines about the sessions (with their key ids).
    assert!(
        sessions
            .iter()
            .any(|(key, ..)| runs.iter().any(|run| run.log.contains(key.as_str()))),
        "{tf}: no session's access key id in the logs"
    );
    let mut secrets = seeded_secrets(&fx);
    for (_, secret, token, _, _) in sessions {
        secrets.push(secret);
        secrets.push(token);
    }
    let files = vec![
        ("terraform.tfstate".to_owned(), state),
        ("saved.tfplan".to_owned(), plan),
    ];
    let scanned = scan(&secrets, &runs, &files);
    assert!(
        scanned.log_lines > 100,
        "{tf}: TRACE produced only {} log lines",
        scanned.log_lines
    );

    // The sandbox saw root-session calls with the audit policy only, each of them asked
    // for through AssumeRoot.
    let requests = fx.requests();
    let assumed = &requests.operations["AssumeRoot"];
    assert!(assumed.succeeded >= 2, "{tf}: {requests:?}");
    assert!(assumed.errors.is_empty(), "{tf}: {requests:?}");
    let policies: Vec<&str> = requests.root_sessions.keys().map(String::as_str).collect();
    assert_eq!(policies, [AUDIT], "{tf}: {requests:?}");
    let calls = &requests.root_sessions[AUDIT];
    assert!(
        calls.get("GetCallerIdentity").copied().unwrap_or(0) >= 1,
        "{tf}: {requests:?}"
    );
    assert_eq!(
        calls.keys().collect::<Vec<_>>(),
        ["GetCallerIdentity"],
        "{tf}: {requests:?}"
    );
}

fn refused_root_sessions_are_diagnostics_on_account_id(tf: &'static Terraform) {
    let audit = format!("  task_policy = \"{AUDIT}\"");

    // RootCredentialsManagement off: the feature the audit task needs is named.
    let fx = SandboxFixture::start(seed(&[Feature::RootSessions]));
    let ws = workspace(tf, &fx, "root-session-off");
    ws.write_main(&session_config(&fx.endpoint_url(), MEMBERS[0], &audit));
    let line = ws.line_of("main.tf", "account_id");
    let run = ws.run(&["plan"]);
    run.assert_failure();
    assert_says(&run, "AWS refused a root session on the account");
    assert_says(&run, &format!("main.tf line {line}"));
    assert_says(&run, "with IAMAuditRootUserCredentials on account_id");
    assert_says(&run, "contains RootCredentialsManagement, with");
    assert_says(&run, "centralroot_caller_identity shows which account");
    assert_eq!(fx.calls("AssumeRoot"), 1, "{tf}");
    assert!(root_sessions(&fx).is_empty(), "{tf}");

    // A member that is not the IAM delegated administrator, as the caller.
    let fx = SandboxFixture::start(both_features());
    let mut ws = Workspace::new(tf, "root-session-member");
    fx.configure(&mut ws, MEMBERS[1]);
    ws.write_main(&session_config(&fx.endpoint_url(), MEMBERS[0], &audit));
    let run = ws.run(&["plan"]);
    run.assert_failure();
    assert_says(&run, "AWS refused a root session on the account");
    assert_says(&run, &format!("main.tf line {line}"));
    assert_says(&run, "delegated administrator for iam.amazonaws.com");

    // An SCP denying root sessions on the member.
    let mut denied = both_features();
    denied
        .accounts
        .iter_mut()
        .filter(|account| account.id == MEMBERS[0])
        .for_each(|account| account.assume_root_denied = true);
    let fx = SandboxFixture::start(denied);
    let ws = workspace(tf, &fx, "root-session-scp");
    ws.write_main(&session_config(&fx.endpoint_url(), MEMBERS[0], &audit));
    let run = ws.run(&["plan"]);
    run.assert_failure();
    assert_says(&run, "A service control policy denies the call");
    assert_says(&run, &format!("main.tf line {line}"));

    // The management account as target: refused before STS is asked.
    let fx = SandboxFixture::start(both_features());
    let ws = workspace(tf, &fx, "root-session-management");
    ws.write_main(&session_config(&fx.endpoint_url(), MANAGEMENT, &audit));
    let run = ws.run(&["plan"]);
    run.assert_failure();
    assert_says(&run, "The management account has no root session");
    assert_says(&run, &format!("main.tf line {line}"));
    assert_eq!(fx.calls("AssumeRoot"), 0, "{tf}");
}

fn invalid_arguments_are_refused_by_validate(tf: &'static Terraform) {
    let fx = SandboxFixture::start(both_features());
    let ws = workspace(tf, &fx, "root-session-validate");
    let cases = [
        (
            "22222222222",
            "  task_policy = \"IAMAuditRootUserCredentials\"",
            "account_id",
            "12-digit",
        ),
        (
            MEMBERS[0],
            "  task_policy = \"AuditRootUserCredentials\"",
            "task_policy",
            "Did you mean \"IAMAuditRootUserCredentials\"?",
        ),
        (
            MEMBERS[0],
            "  task_policy = \"IAMAuditRootUserCredentials\"\n  duration    = \"20m\"",
            "duration",
            "from 1s to 15m",
        ),
    ];
    for (account, arguments, attribute, says) in cases {
        ws.write_main(&session_config(&fx.endpoint_url(), account, arguments));
        let (validation, run) = ws.validate();
        assert!(!validation.valid, "{tf}: {run}");
        let errors: Vec<_> = validation.errors().collect();
        assert_eq!(errors.len(), 1, "{tf}: {errors:?}");
        assert!(errors[0].mentions(says), "{tf}: {}", errors[0]);
        assert_eq!(
            errors[0].line,
            Some(ws.line_of("main.tf", &format!("{attribute} "))),
            "{tf}: {}",
            errors[0]
        );
    }
    assert_eq!(fx.requests().total, 0, "{tf}: validate calls no AWS API");
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::each_cli(
            "a_second_provider_acts_as_the_member_root_and_no_secret_is_kept",
            a_second_provider_acts_as_the_member_root_and_no_secret_is_kept,
        ),
        Case::each_cli(
            "refused_root_sessions_are_diagnostics_on_account_id",
            refused_root_sessions_are_diagnostics_on_account_id,
        )
        .needs(1, 10, "ephemeral resources"),
        Case::each_cli(
            "invalid_arguments_are_refused_by_validate",
            invalid_arguments_are_refused_by_validate,
        )
        .needs(1, 10, "ephemeral resources"),
    ],
);
