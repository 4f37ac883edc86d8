//! A Terraform working directory for one test, wired to the freshly built provider.
//!
//! Terraform finds the provider through a `dev_overrides` CLI configuration, so no command needs
//! `terraform init` (Terraform 1.0 even fails there: it still asks the registry about the
//! overridden provider). Each workspace lives under `.e2e-work/` and is kept when its test fails.

use std::cell::Cell;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use centralroot_sandbox::Sandbox;

use serde_json::Value;
use tempfile::TempDir;

use super::permissions::Watch;
use super::run::{Invocation, Run, Running};
use super::{Terraform, Validation};

/// The provider binary cargo built for this test run.
const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-centralroot");

/// What `terraform plan -detailed-exitcode` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanOutcome {
    NoChanges,
    Changes,
    Failed,
}

/// A temporary directory holding the configuration, the CLI configuration, an empty home and
/// every run's output.
pub struct Workspace {
    terraform: &'static Terraform,
    root: TempDir,
    env: Vec<(String, String)>,
    runs: Cell<usize>,
    /// The sandbox whose request log each command is checked against, once pointed at one.
    watch: Option<Watch>,
    /// How long each command may take, when not the harness's default.
    timeout: Option<Duration>,
}

impl Workspace {
    /// A new empty workspace for `terraform`; `name` only helps to find it on disk.
    pub fn new(terraform: &'static Terraform, name: &str) -> Self {
        Self::with_cli_config(terraform, name, &cli_config())
    }

    /// A new empty workspace whose CLI configuration is `cli_config` instead of the
    /// `dev_overrides` one, for tests of how Terraform installs the provider (e.g. from a
    /// filesystem mirror, which needs `terraform init`).
    pub fn with_cli_config(terraform: &'static Terraform, name: &str, cli_config: &str) -> Self {
        let parent = Path::new(env!("CARGO_MANIFEST_DIR")).join(".e2e-work");
        fs::create_dir_all(&parent)
            .unwrap_or_else(|err| panic!("cannot create {}: {err}", parent.display()));
        let root = tempfile::Builder::new()
            .prefix(&format!("{name}-"))
            .tempdir_in(&parent)
            .unwrap_or_else(|err| {
                panic!("cannot create a workspace in {}: {err}", parent.display())
            });
        for dir in ["config", "home", "runs"] {
            fs::create_dir(root.path().join(dir)).expect("create workspace directory");
        }
        let workspace = Self {
            terraform,
            root,
            env: Vec::new(),
            runs: Cell::new(0),
            watch: None,
            timeout: None,
        };
        fs::write(workspace.cli_config_path(), cli_config).expect("write CLI configuration");
        workspace
    }

    /// The CLI this workspace runs.
    pub fn terraform(&self) -> &'static Terraform {
        self.terraform
    }

    /// The working directory Terraform runs in.
    pub fn dir(&self) -> PathBuf {
        self.root.path().join("config")
    }

    /// Lets each command take up to `limit` (a longer `CENTRALROOT_E2E_TIMEOUT_SECS` still
    /// wins), for the scenarios whose commands are slow by design.
    pub fn set_timeout(&mut self, limit: Duration) {
        self.timeout = Some(limit);
    }

    /// Sets an environment variable for every later run (the clean environment has none of the
    /// caller's, so AWS settings must come from here).
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_string(), value.to_string()));
    }

    /// Checks every later command against `sandbox`'s request log: no request outside the
    /// permissions of the workspace's types ([`super::permissions`]).
    pub fn watch_requests(&mut self, sandbox: Arc<Sandbox>) {
        self.watch = Some(Watch::new(sandbox, self.dir()));
    }

    /// Writes a file in the working directory.
    pub fn write(&self, name: &str, contents: &str) {
        let path = self.dir().join(name);
        fs::write(&path, contents).unwrap_or_else(|err| panic!("write {}: {err}", path.display()));
    }

    /// Writes `main.tf`.
    pub fn write_main(&self, contents: &str) {
        self.write("main.tf", contents);
    }

    /// The 1-based number of the first line of `file` containing `needle`.
    #[track_caller]
    pub fn line_of(&self, file: &str, needle: &str) -> u64 {
        let text = fs::read_to_string(self.dir().join(file)).expect("read configuration file");
        let index = text
            .lines()
            .position(|line| line.contains(needle))
            .unwrap_or_else(|| panic!("{needle:?} is not in {file}"));
        u64::try_from(index + 1).expect("line number fits u64")
    }

    /// Runs `terraform <args> -no-color` and returns whatever happened. Fails the test only on a
    /// timeout or a provider consistency error.
    pub fn run(&self, args: &[&str]) -> Run {
        self.invocation(args).execute()
    }

    /// Starts `terraform <args> -no-color` without waiting for it (to interrupt it, or to kill
    /// its provider); [`Running::finish`] waits and checks it like [`Self::run`].
    pub fn spawn(&self, args: &[&str]) -> Running {
        self.invocation(args).spawn()
    }

    fn invocation(&self, args: &[&str]) -> Invocation<'_> {
        let number = self.runs.get() + 1;
        self.runs.set(number);
        let mut args: Vec<String> = args.iter().map(|arg| (*arg).to_string()).collect();
        // Every command accepts it, wherever it stands.
        args.push("-no-color".into());
        let command = args.first().map_or("none", String::as_str);
        let files = self
            .root
            .path()
            .join("runs")
            .join(format!("{number:02}-{command}"));
        Invocation {
            terraform: self.terraform,
            args,
            dir: self.dir(),
            env: self.environment(),
            files,
            watch: self.watch.clone(),
            timeout: self.timeout,
        }
    }

    /// Runs a command that must succeed.
    #[track_caller]
    pub fn run_ok(&self, args: &[&str]) -> Run {
        let run = self.run(args);
        run.assert_success();
        run
    }

    /// `terraform validate -json`.
    pub fn validate(&self) -> (Validation, Run) {
        let run = self.run(&["validate", "-json"]);
        assert!(
            matches!(run.code, Some(0 | 1)),
            "validate exited neither 0 nor 1:\n{run}"
        );
        (Validation::from_json(&run.json()), run)
    }

    /// `terraform plan -detailed-exitcode`.
    pub fn plan(&self) -> (PlanOutcome, Run) {
        let run = self.run(&["plan", "-detailed-exitcode"]);
        let outcome = match run.code {
            Some(0) => PlanOutcome::NoChanges,
            Some(2) => PlanOutcome::Changes,
            _ => PlanOutcome::Failed,
        };
        (outcome, run)
    }

    /// Plans and fails the test unless the plan is empty.
    #[track_caller]
    pub fn assert_no_changes(&self) -> Run {
        let (outcome, run) = self.plan();
        assert_eq!(
            outcome,
            PlanOutcome::NoChanges,
            "expected an empty plan:\n{run}"
        );
        run
    }

    /// `terraform apply -auto-approve`, which must succeed.
    #[track_caller]
    pub fn apply(&self) -> Run {
        self.run_ok(&["apply", "-auto-approve"])
    }

    /// `terraform destroy -auto-approve`, which must succeed.
    #[track_caller]
    pub fn destroy(&self) -> Run {
        self.run_ok(&["destroy", "-auto-approve"])
    }

    /// `terraform import <address> <id>`, whatever its outcome.
    pub fn import(&self, address: &str, id: &str) -> Run {
        self.run(&["import", address, id])
    }

    /// `terraform show -json` of the current state.
    #[track_caller]
    pub fn show_json(&self) -> Value {
        self.run_ok(&["show", "-json"]).json()
    }

    /// Every resource instance in state (root and child modules), as `show -json` lists them.
    #[track_caller]
    pub fn resources(&self) -> Vec<Value> {
        let mut found = Vec::new();
        collect_resources(&self.show_json()["values"]["root_module"], &mut found);
        found
    }

    /// The attribute values of the resource instance at `address`, if it is in state.
    #[track_caller]
    pub fn resource_values(&self, address: &str) -> Option<Value> {
        self.resources()
            .into_iter()
            .find(|resource| resource["address"] == address)
            .map(|resource| resource["values"].clone())
    }

    /// This provider's entry in `terraform providers schema -json`.
    #[track_caller]
    pub fn provider_schema(&self) -> Value {
        let json = self.run_ok(&["providers", "schema", "-json"]).json();
        let address = self.terraform.provider_address();
        let schemas = &json["provider_schemas"];
        match schemas.get(&address) {
            Some(schema) => schema.clone(),
            None => panic!("no schema for {address} in `providers schema -json`: {json}"),
        }
    }

    fn cli_config_path(&self) -> PathBuf {
        self.root.path().join("terraformrc")
    }

    fn environment(&self) -> Vec<(String, String)> {
        let root = self.root.path();
        let mut env: Vec<(String, String)> = [
            ("HOME", root.join("home").display().to_string()),
            (
                "TF_CLI_CONFIG_FILE",
                self.cli_config_path().display().to_string(),
            ),
            ("TF_IN_AUTOMATION", "1".into()),
            ("TF_INPUT", "0".into()),
            ("CHECKPOINT_DISABLE", "1".into()),
            // With no credentials configured the AWS SDK would otherwise try the EC2 metadata
            // service, which is not loopback.
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
            ("RUST_BACKTRACE", "1".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        env.extend(self.env.iter().cloned());
        env
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.root.disable_cleanup(true);
            eprintln!("kept the failed workspace: {}", self.root.path().display());
        }
    }
}

/// A CLI configuration that makes `centralroot/centralroot` the binary cargo just built.
fn cli_config() -> String {
    let dir = Path::new(PROVIDER_BINARY)
        .parent()
        .expect("the provider binary has a parent directory");
    format!(
        "provider_installation {{\n  dev_overrides {{\n    \"centralroot/centralroot\" = {}\n  }}\n  direct {{}}\n}}\n",
        hcl_string(&dir.display().to_string())
    )
}

/// `text` as an HCL quoted string.
fn hcl_string(text: &str) -> String {
    let mut quoted = String::from("\"");
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\\' => {
                quoted.push('\\');
                quoted.push(c);
            }
            // `${` and `%{` start templates; `$${` and `%%{` stand for them literally.
            '$' | '%' if chars.peek() == Some(&'{') => {
                quoted.push(c);
                quoted.push(c);
            }
            _ => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

fn collect_resources(module: &Value, found: &mut Vec<Value>) {
    if let Some(resources) = module["resources"].as_array() {
        found.extend(resources.iter().cloned());
    }
    if let Some(children) = module["child_modules"].as_array() {
        for child in children {
            collect_resources(child, found);
        }
    }
}
