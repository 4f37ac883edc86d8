//! Ctrl-C during a removal of root credentials (issue 13): Terraform is interrupted while one
//! deletion is held back by the sandbox's latency fault. The provider's stop grace lets the
//! removal in flight run to its end (the held deletion, then the rest), so Terraform records the
//! create untainted with nothing `remaining`, the member holds nothing, and the next plan is
//! empty: state matches the sandbox with no manual step. All of that would hold as well if the
//! engine ignored StopProvider (the held deletion ends within the grace either way), so the
//! test also asserts the engine's log line saying it took the stop with a change in flight.
//!
//! The window is found by watching the sandbox, never by sleeping: the sandbox counts a held
//! request the moment its delay starts.

use centralroot_sandbox::Seed;
use centralroot_sandbox::faults::FaultConfig;
use centralroot_sandbox::seed::RootUser;

use centralroot::framework::server::STOP_GRACE;

use crate::interruptions::{counts, ctrl_c, wait_until};
use crate::support::sandbox::MANAGEMENT;
use crate::support::{Case, Cases, Run, SandboxFixture, Terraform, Workspace};

/// The member whose root user holds one credential of each kind (`Seed::large_organization`,
/// member 0).
const MEMBER: &str = "100000000000";

/// Longer than the test takes to interrupt, well within the provider's 20 s stop grace.
const HOLD_MS: u64 = 3_000;

/// What the engine logs when StopProvider finds a create, update or delete in flight
/// (`with_grace` in `src/framework/server/mod.rs`).
const STOP_TAKEN: &str = "StopProvider: letting the change in flight finish";

/// How `remaining` and `to_remove` name what `root` holds, in the provider's order (password,
/// access keys, signing certificates, MFA devices).
pub fn labels(root: &RootUser) -> Vec<String> {
    root.login_profile
        .iter()
        .map(|_| "password".to_owned())
        .chain(
            root.access_keys
                .iter()
                .map(|k| format!("access_key:{}", k.id)),
        )
        .chain(
            root.signing_certificates
                .iter()
                .map(|c| format!("signing_certificate:{}", c.id)),
        )
        .chain(
            root.mfa_devices
                .iter()
                .map(|d| format!("mfa_device:{}", d.serial_number)),
        )
        .collect()
}

/// Runs `args` in `ws` (whose provider logs at INFO) with `held` held back for [`HOLD_MS`],
/// interrupts Terraform while it is, and answers the run once the engine gave the change in
/// flight its stop grace and the held call finished within it (faults off again).
pub fn interrupted_while_held(
    fixture: &SandboxFixture,
    ws: &Workspace,
    held: &str,
    args: &[&str],
) -> Run {
    fixture.set_faults(FaultConfig {
        latency_ms: HOLD_MS,
        operations: Some(vec![held.to_owned()]),
        ..FaultConfig::default()
    });
    let running = ws.spawn(args);
    wait_until(&running, held, || counts(fixture, held).delayed > 0);
    let run = ctrl_c(running);
    fixture.set_faults(FaultConfig::default());
    let grace = format!("grace_secs={}", STOP_GRACE.as_secs_f64());

    // Whether the engine honours StopProvider or ignores it, the held call finishes within the
    // grace; only the engine's own line tells that it took the stop and gave the change in
    // flight its grace.
    assert!(
        run.log
            .lines()
            .any(|line| line.contains(STOP_TAKEN) && line.contains(&grace)),
        "the provider did not log {STOP_TAKEN:?} with {grace}:\n{run}"
    );
    assert!(
        !run.stderr.contains("Operation interrupted"),
        "the change in flight finished within the stop grace:\n{run}"
    );
    assert_eq!(counts(fixture, held).succeeded, 1, "{run}");
    run
}

/// Interrupts the removal on [`MEMBER`] while `held` is held back, then checks state against
/// the sandbox and that the next apply converges with nothing to do.
fn interrupt_removal_during(tf: &'static Terraform, held: &str) {
    let fixture = SandboxFixture::start(Seed::large_organization(4));
    let mut ws = Workspace::new(tf, "removal-interrupt");
    fixture.configure(&mut ws, MANAGEMENT);
    // The provider's INFO lines in Terraform's log: the engine's word that it took the stop.
    ws.set_env("TF_LOG_PROVIDER", "INFO");
    ws.write_main(&format!(
        r#"terraform {{
  required_providers {{
    centralroot = {{
      source = "centralroot/centralroot"
    }}
  }}
}}

resource "centralroot_root_credentials_removal" "member" {{
  account_id = "{MEMBER}"
}}
"#
    ));
    let before = labels(&fixture.state().account(MEMBER).expect("seeded").root);
    assert_eq!(before.len(), 4, "one of each kind: {before:?}");
    let run = interrupted_while_held(&fixture, &ws, held, &["apply", "-auto-approve"]);
    assert!(
        run.stdout.contains("Creation complete"),
        "Terraform recorded the create:\n{run}"
    );

    // The held deletion and the rest of the removal were let finish, and state says so.
    assert_eq!(counts(&fixture, held).succeeded, 1, "{run}");
    let left = labels(&fixture.state().account(MEMBER).expect("seeded").root);
    assert_eq!(left, Vec::<String>::new(), "{run}");
    let values = ws
        .resource_values("centralroot_root_credentials_removal.member")
        .unwrap_or_else(|| panic!("the removal is in state:\n{run}"));
    assert_eq!(values["remaining"], serde_json::json!([]), "{values}");
    assert_eq!(values["to_remove"], serde_json::json!(before), "{values}");
    assert!(
        values["root_session"]["access_key_id"].is_string(),
        "{values}"
    );

    // Not tainted, nothing to redo: the plan right after is empty, the next apply (faults
    // off) changes nothing.
    fixture.set_faults(FaultConfig::default());
    ws.assert_no_changes();
    let next = ws.apply();
    assert!(
        next.stdout.contains("0 added, 0 changed, 0 destroyed"),
        "{next}"
    );
    ws.assert_no_changes();
}

fn ctrl_c_while_an_access_key_deletion_is_held_keeps_state_true_and_converges(
    tf: &'static Terraform,
) {
    interrupt_removal_during(tf, "DeleteAccessKey");
}

/// The first deletion held: all three others still start after Ctrl-C, within the grace.
fn ctrl_c_while_the_password_deletion_is_held_keeps_state_true_and_converges(
    tf: &'static Terraform,
) {
    interrupt_removal_during(tf, "DeleteLoginProfile");
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::each_cli(
            "ctrl_c_while_an_access_key_deletion_is_held_keeps_state_true_and_converges",
            ctrl_c_while_an_access_key_deletion_is_held_keeps_state_true_and_converges,
        ),
        Case::each_cli(
            "ctrl_c_while_the_password_deletion_is_held_keeps_state_true_and_converges",
            ctrl_c_while_the_password_deletion_is_held_keeps_state_true_and_converges,
        ),
    ],
);
