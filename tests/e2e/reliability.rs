//! Reliability under faults, interrupts and crashes (issue 5): through the sandbox's fault
//! controls, a configuration of both organization features and 50 delegated administrators
//! applies at `-parallelism=10` with the provider's default retries and converges (throttling,
//! concurrent modification, server errors, latency, slow trusted-access propagation); a fault
//! that never clears ends in a clear error within the configured retries; Ctrl-C during
//! registrations in flight lets them finish and records them, untainted; a provider killed
//! mid-apply leaves state that the next run reconciles with reality.
//!
//! The fault scenarios run on Terraform 1.15 only (each costs seconds of injected delays and
//! retries, and the provider's retry behaviour does not depend on the CLI); one scenario,
//! throttling, runs on every CLI. Interrupt and crash run on every CLI: the process trees differ
//! (Terraform 1.15 here runs inside a Python launcher, the provider is its child).

use std::collections::BTreeSet;
use std::thread;
use std::time::{Duration, Instant};

use centralroot_sandbox::Seed;
use centralroot_sandbox::faults::FaultConfig;
use centralroot_sandbox::seed::TrustedAccess;
use serde_json::Value;

use crate::support::sandbox::{IAM, MANAGEMENT};
use crate::support::{Case, Cases, Running, SandboxFixture, Terraform, Workspace};

/// Delegated administrators in the fault scenarios.
const ADMINS: usize = 50;

/// The generated member accounts (`100000000000`, …), the first `count` of them.
pub fn member_ids(count: usize) -> Vec<String> {
    (0..count)
        .map(|n| format!("{:012}", 100_000_000_000usize + n))
        .collect()
}

/// The default organization plus 55 generated members, with trusted access for IAM already on.
pub fn seed_with_trusted_access() -> Seed {
    let mut seed = Seed::default_seed().with_generated_members(55);
    seed.trusted_access.push(TrustedAccess {
        service_principal: IAM.to_owned(),
        date_enabled: 1_700_000_000,
    });
    seed
}

/// A configuration registering `accounts` as delegated administrators for IAM, with
/// `provider_settings` inside the provider block.
pub fn admins_config(accounts: &[String], provider_settings: &str) -> String {
    config(accounts, provider_settings, false)
}

/// The organization's features: both on, trusted access for IAM on.
const FEATURES: &str = r#"
resource "centralroot_organization_features" "this" {
  enabled_features      = ["RootCredentialsManagement", "RootSessions"]
  enable_trusted_access = true
}
"#;

/// [`admins_config`], plus the organization features when `with_features` is set (the
/// registrations then depend on them, as trusted access must come first).
fn config(accounts: &[String], provider_settings: &str, with_features: bool) -> String {
    let list: Vec<String> = accounts.iter().map(|id| format!("\"{id}\"")).collect();
    let (features, depends_on) = if with_features {
        (
            FEATURES,
            "\n  depends_on = [centralroot_organization_features.this]",
        )
    } else {
        ("", "")
    };
    format!(
        r#"terraform {{
  required_providers {{
    centralroot = {{
      source = "centralroot/centralroot"
    }}
  }}
}}

provider "centralroot" {{
{provider_settings}
}}
{features}
resource "centralroot_delegated_admin" "admin" {{
  for_each   = toset([{}])
  account_id = each.value{depends_on}
}}
"#,
        list.join(", ")
    )
}

/// The accounts registered for IAM in the sandbox.
pub fn registered(fixture: &SandboxFixture) -> BTreeSet<String> {
    fixture
        .state()
        .delegated_administrators
        .iter()
        .filter(|d| d.service_principal == IAM)
        .map(|d| d.account_id.clone())
        .collect()
}

/// The account ids of the delegated administrators in state.
pub fn in_state(ws: &Workspace) -> BTreeSet<String> {
    ws.resources()
        .iter()
        .filter(|r| r["type"] == "centralroot_delegated_admin")
        .filter_map(|r| r["values"]["account_id"].as_str().map(str::to_owned))
        .collect()
}

/// Applies both features and the 50 administrators with the provider's default retries and
/// `faults` injected (still injected for the plan after it), then checks convergence: empty
/// plan, sandbox equals configuration equals state. `seed` says whether trusted access starts on.
fn converges_under(
    tf: &'static Terraform,
    name: &str,
    seed: Seed,
    faults: FaultConfig,
    injects_errors: bool,
) -> SandboxFixture {
    let fixture = SandboxFixture::start(seed);
    let mut ws = Workspace::new(tf, name);
    fixture.configure(&mut ws, MANAGEMENT);
    let accounts = member_ids(ADMINS);
    ws.write_main(&config(&accounts, "", true));
    fixture.set_faults(faults.clone());

    ws.run_ok(&["apply", "-auto-approve", "-parallelism=10"]);
    let (_, injected) = fixture.sandbox().faults();
    if injects_errors {
        let total = injected.throttle + injected.server_error + injected.concurrent_modification;
        assert!(total > 0, "{faults:?} injected nothing: {injected:?}");
        eprintln!("{name}: {injected:?} during apply");
    }
    ws.assert_no_changes();
    let expected: BTreeSet<String> = accounts.into_iter().collect();
    let sandbox = fixture.state();
    assert_eq!(registered(&fixture), expected, "sandbox after {name}");
    assert_eq!(in_state(&ws), expected, "state after {name}");
    let features: Vec<&str> = sandbox.features.iter().map(|f| f.as_str()).collect();
    assert_eq!(features, ["RootCredentialsManagement", "RootSessions"]);
    assert!(
        sandbox
            .trusted_access
            .iter()
            .any(|t| t.service_principal == IAM),
        "trusted access for IAM after {name}"
    );
    fixture
}

fn throttling_every_second_call_converges(tf: &'static Terraform) {
    converges_under(
        tf,
        "fault-throttle",
        seed_with_trusted_access(),
        FaultConfig {
            throttle_every: 2,
            ..FaultConfig::default()
        },
        true,
    );
}

fn concurrent_modification_every_third_call_converges(tf: &'static Terraform) {
    converges_under(
        tf,
        "fault-concurrent",
        seed_with_trusted_access(),
        FaultConfig {
            concurrent_modification_every: 3,
            ..FaultConfig::default()
        },
        true,
    );
}

fn server_errors_every_fifth_call_converge(tf: &'static Terraform) {
    converges_under(
        tf,
        "fault-server-error",
        seed_with_trusted_access(),
        FaultConfig {
            server_error_every: 5,
            ..FaultConfig::default()
        },
        true,
    );
}

fn latency_of_300_ms_converges(tf: &'static Terraform) {
    let fixture = converges_under(
        tf,
        "fault-latency",
        seed_with_trusted_access(),
        FaultConfig {
            latency_ms: 300,
            ..FaultConfig::default()
        },
        false,
    );
    // Every operation is eligible, so every request answered was held back first.
    let requests = fixture.requests();
    assert!(requests.total > 0, "no request reached the sandbox");
    for (operation, count) in &requests.operations {
        assert!(
            count.delayed >= count.total,
            "{operation}: {} of {} requests delayed",
            count.delayed,
            count.total
        );
    }
}

fn trusted_access_propagating_for_2_s_converges(tf: &'static Terraform) {
    // Trusted access starts off: the features resource enables it, and IAM refuses the feature
    // calls until it has propagated.
    let fixture = converges_under(
        tf,
        "fault-propagation",
        Seed::default_seed().with_generated_members(55),
        FaultConfig {
            trusted_access_propagation_ms: 2_000,
            ..FaultConfig::default()
        },
        false,
    );
    let waited = fixture
        .requests()
        .operations
        .values()
        .flat_map(|count| count.errors.keys())
        .any(|code| code.contains("ServiceAccessNotEnabled"));
    assert!(
        waited,
        "IAM never answered ServiceAccessNotEnabled: nothing propagated"
    );
}

fn throttling_that_never_clears_fails_clearly_within_the_retries(tf: &'static Terraform) {
    let fixture = SandboxFixture::start(seed_with_trusted_access());
    let mut ws = Workspace::new(tf, "fault-throttle-forever");
    fixture.configure(&mut ws, MANAGEMENT);
    let accounts = member_ids(3);
    ws.write_main(&admins_config(&accounts, "  max_retries = 2"));
    fixture.set_faults(FaultConfig {
        throttle_every: 1,
        operations: Some(vec!["RegisterDelegatedAdministrator".to_owned()]),
        ..FaultConfig::default()
    });

    let run = ws.run(&["apply", "-auto-approve"]);
    run.assert_failure();
    // Generous: three attempts with the SDK's backoff take a few seconds, a hang takes forever.
    assert!(run.elapsed < Duration::from_secs(60), "{run}");
    let output = format!("{}{}", run.stdout, run.stderr).to_lowercase();
    assert!(output.contains("throttl"), "names throttling:\n{run}");
    assert!(output.contains("max_retries"), "names max_retries:\n{run}");
    // Each registration was tried exactly max_retries + 1 times.
    assert_eq!(
        fixture.calls("RegisterDelegatedAdministrator"),
        3 * 3,
        "attempts:\n{run}"
    );
    assert!(registered(&fixture).is_empty());
}

/// The first `terraform-provider-centralroot` process below `ancestor` (Terraform 1.15 runs in a
/// Python process that is the direct parent; Terraform 1.0 is the parent itself).
fn provider_below(ancestor: u32) -> Option<u32> {
    let entries = std::fs::read_dir("/proc").ok()?;
    let mut parents = Vec::new();
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // `pid (comm) state ppid …`; comm may contain spaces, so split after the last ')'.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(ppid) = ppid {
            parents.push((pid, ppid));
        }
    }
    let mut below = vec![ancestor];
    let mut i = 0;
    while i < below.len() {
        let parent = below[i];
        for (pid, ppid) in &parents {
            if *ppid == parent && !below.contains(pid) {
                below.push(*pid);
            }
        }
        i += 1;
    }
    below.into_iter().skip(1).find(|pid| {
        std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| {
            exe.file_name()
                .is_some_and(|n| n == "terraform-provider-centralroot")
        })
    })
}

/// Waits until `running` has printed `needle` on stdout `times` times.
#[track_caller]
pub fn wait_for_output(running: &Running, needle: &str, times: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while running.stdout_so_far().matches(needle).count() < times {
        assert!(
            Instant::now() < deadline,
            "{needle:?} not printed {times} times:\n{}",
            running.stdout_so_far()
        );
        thread::sleep(Duration::from_millis(20));
    }
}

/// The state file of `ws`, parsed; fails the test when it is missing or not JSON.
fn state_file(ws: &Workspace) -> Value {
    let path = ws.dir().join("terraform.tfstate");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("no state file {}: {err}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("state is not JSON ({err}): {text}"))
}

/// Sends `signal` to `pid`, or to the process group `pid` leads when `group` is set.
pub fn signal(pid: u32, signal: i32, group: bool) {
    let pid = libc::pid_t::try_from(pid).expect("pid fits pid_t");
    let pid = if group { -pid } else { pid };
    // SAFETY: kill(2) on a process (or, negative, a process group) this test started.
    assert_eq!(
        unsafe { libc::kill(pid, signal) },
        0,
        "kill({pid}, {signal})"
    );
}

fn ctrl_c_lets_the_registrations_in_flight_finish_and_records_them(tf: &'static Terraform) {
    let register = "RegisterDelegatedAdministrator";
    let fixture = SandboxFixture::start(seed_with_trusted_access());
    let mut ws = Workspace::new(tf, "interrupt");
    fixture.configure(&mut ws, MANAGEMENT);
    let accounts = member_ids(3);
    ws.write_main(&admins_config(&accounts, ""));
    // Held long enough for Ctrl-C to land while all three wait, well within the provider's
    // stop grace (20 s).
    fixture.set_faults(FaultConfig {
        latency_ms: 3_000,
        operations: Some(vec![register.to_owned()]),
        ..FaultConfig::default()
    });

    let running = ws.spawn(&["apply", "-auto-approve"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    let in_flight = || {
        fixture
            .requests()
            .operations
            .get(register)
            .map_or(0, |count| count.delayed)
    };
    while in_flight() < 3 {
        assert!(
            Instant::now() < deadline,
            "the three registrations never were in flight together:\n{}",
            running.stdout_so_far()
        );
        thread::sleep(Duration::from_millis(5));
    }
    // Ctrl-C at a terminal reaches the whole foreground process group, provider included.
    signal(running.pid(), libc::SIGINT, true);
    let run = running.finish();
    assert!(
        run.stdout.contains("Interrupt received"),
        "Terraform took the interrupt:\n{run}"
    );
    assert!(
        !run.stderr.contains("Operation interrupted"),
        "the registrations in flight finished within the grace:\n{run}"
    );
    let expected: BTreeSet<String> = accounts.into_iter().collect();
    assert_eq!(
        registered(&fixture),
        expected,
        "every registration sent went through"
    );
    assert_eq!(in_state(&ws), expected, "and is in state:\n{run}");
    let state = state_file(&ws);
    let tainted = state["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["instances"].as_array().into_iter().flatten())
        .filter(|i| i["status"] == "tainted")
        .count();
    assert_eq!(tainted, 0, "nothing to replace: {state}");

    fixture.set_faults(FaultConfig::default());
    ws.assert_no_changes();
    ws.apply();
    assert_eq!(registered(&fixture), expected);
    assert_eq!(in_state(&ws), expected);
}

fn a_killed_provider_fails_the_apply_and_the_next_run_reconciles(tf: &'static Terraform) {
    let fixture = SandboxFixture::start(seed_with_trusted_access());
    let mut ws = Workspace::new(tf, "crash");
    fixture.configure(&mut ws, MANAGEMENT);
    let accounts = member_ids(6);
    ws.write_main(&admins_config(&accounts, ""));
    fixture.set_faults(FaultConfig {
        latency_ms: 1_500,
        operations: Some(vec!["RegisterDelegatedAdministrator".to_owned()]),
        ..FaultConfig::default()
    });

    let running = ws.spawn(&["apply", "-auto-approve", "-parallelism=1"]);
    // Two registrations done and a third in flight.
    wait_for_output(&running, "Creation complete", 2);
    wait_for_output(&running, "Creating...", 3);
    thread::sleep(Duration::from_millis(300));
    let provider = provider_below(running.pid()).expect("a provider process below terraform");
    signal(provider, libc::SIGKILL, false);
    let run = running.finish();
    assert!(!run.success(), "apply with a killed provider fails:\n{run}");
    let output = format!("{}{}", run.stdout, run.stderr).to_lowercase();
    assert!(
        output.contains("plugin"),
        "the failure names the plugin:\n{run}"
    );

    // Whatever state says exists, exists.
    let after_crash = in_state(&ws);
    let real = registered(&fixture);
    assert!(after_crash.len() >= 2, "{after_crash:?}");
    assert!(
        after_crash.is_subset(&real),
        "state {after_crash:?}, sandbox {real:?}"
    );

    fixture.set_faults(FaultConfig::default());
    ws.apply();
    ws.assert_no_changes();
    let expected: BTreeSet<String> = accounts.into_iter().collect();
    assert_eq!(registered(&fixture), expected);
    assert_eq!(in_state(&ws), expected);
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::each_cli(
            "throttling_every_second_call_converges",
            throttling_every_second_call_converges,
        ),
        Case::on_terraform_1_15(
            "concurrent_modification_every_third_call_converges",
            concurrent_modification_every_third_call_converges,
        ),
        Case::on_terraform_1_15(
            "server_errors_every_fifth_call_converge",
            server_errors_every_fifth_call_converge,
        ),
        Case::on_terraform_1_15("latency_of_300_ms_converges", latency_of_300_ms_converges),
        Case::on_terraform_1_15(
            "trusted_access_propagating_for_2_s_converges",
            trusted_access_propagating_for_2_s_converges,
        ),
        Case::on_terraform_1_15(
            "throttling_that_never_clears_fails_clearly_within_the_retries",
            throttling_that_never_clears_fails_clearly_within_the_retries,
        ),
        Case::each_cli(
            "ctrl_c_lets_the_registrations_in_flight_finish_and_records_them",
            ctrl_c_lets_the_registrations_in_flight_finish_and_records_them,
        ),
        Case::each_cli(
            "a_killed_provider_fails_the_apply_and_the_next_run_reconciles",
            a_killed_provider_fails_the_apply_and_the_next_run_reconciles,
        ),
    ],
);
