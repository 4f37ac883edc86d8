//! A new user's first hour (issue 21): the README's quick-start recipe, run as written, never
//! reaches anything but the sandbox; `allowed_account_ids` stops a run on the wrong account
//! before any AWS write; a provider block copied from hashicorp/aws is explained, not refused
//! as unsupported.

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::examples::REQUIRED_PROVIDERS;
use crate::support::sandbox::{IAM, MANAGEMENT, MEMBERS};
use crate::support::{Case, Cases, Run, SandboxFixture, Terraform, Workspace};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-centralroot");
/// The address the README's recipe starts the sandbox on.
const RECIPE_ADDRESS: &str = "127.0.0.1:4566";
/// Longest a recipe may run: it builds nothing (cargo is a stub) and applies two resources.
const RECIPE_TIMEOUT: Duration = Duration::from_secs(300);

fn repo_file(path: &str) -> String {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    fs::read_to_string(&file).unwrap_or_else(|err| panic!("read {}: {err}", file.display()))
}

/// The README's quick-start recipe: the `sh` block that starts the sandbox, as written.
fn readme_recipe() -> String {
    let readme = repo_file("README.md");
    let blocks: Vec<&str> = readme
        .split("```sh\n")
        .skip(1)
        .filter_map(|rest| rest.split_once("```").map(|(block, _)| block))
        .filter(|block| block.contains("sandbox --listen"))
        .collect();
    assert_eq!(
        blocks.len(),
        1,
        "README.md must have one sh block that starts the sandbox"
    );
    let recipe = blocks[0].to_owned();
    for step in [RECIPE_ADDRESS, "terraform apply", "terraform destroy"] {
        assert!(recipe.contains(step), "the recipe lost {step:?}:\n{recipe}");
    }
    recipe
}

/// What a run of the recipe left behind.
struct RecipeRun {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    /// Each line: the arguments of one `terraform` command the recipe started.
    terraform_commands: Vec<String>,
    cargo_commands: Vec<String>,
    /// Where `mktemp -d` creates the recipe's working directory.
    tmp: PathBuf,
}

impl RecipeRun {
    fn files_named(&self, name: &str) -> Vec<PathBuf> {
        fn walk(dir: &Path, name: &str, found: &mut Vec<PathBuf>) {
            for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, name, found);
                } else if path.file_name().is_some_and(|n| n == name) {
                    found.push(path);
                }
            }
        }
        let mut found = Vec::new();
        walk(&self.tmp, name, &mut found);
        found
    }
}

impl std::fmt::Display for RecipeRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

fn write_executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    fs::write(path, text).unwrap_or_else(|err| panic!("write {}: {err}", path.display()));
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).expect("make it executable");
}

/// Runs `recipe` in bash from a copy of the repository's layout (the provider as cargo built
/// it, `examples/quickstart`), with `terraform` and `cargo` on PATH as stubs that record their
/// arguments (`terraform` then runs `tf`), and with AWS settings in the environment that would
/// send every call to a closed port as a profile nobody has: the recipe must not need them.
fn run_recipe(root: &Path, recipe: &str, tf: &Terraform) -> RecipeRun {
    let repo = root.join("repo");
    let bin = root.join("bin");
    let tmp = root.join("tmp");
    let home = root.join("home");
    for dir in [
        repo.join("target/debug"),
        repo.join("examples/quickstart"),
        bin.clone(),
        tmp.clone(),
        home.join(".aws"),
    ] {
        fs::create_dir_all(&dir).expect("create the recipe's directories");
    }
    std::os::unix::fs::symlink(
        PROVIDER_BINARY,
        repo.join("target/debug/terraform-provider-centralroot"),
    )
    .expect("link the provider");
    fs::write(
        repo.join("examples/quickstart/main.tf"),
        repo_file("examples/quickstart/main.tf"),
    )
    .expect("copy the quickstart");
    let terraform_log = root.join("terraform-commands");
    let cargo_log = root.join("cargo-commands");
    write_executable(
        &bin.join("terraform"),
        &format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
            terraform_log.display(),
            tf.path.display()
        ),
    );
    write_executable(
        &bin.join("cargo"),
        &format!("#!/bin/sh\necho \"$*\" >> '{}'\n", cargo_log.display()),
    );
    fs::write(
        home.join(".aws/credentials"),
        "[production]\naws_access_key_id = AKIAPRODUCTION000000\naws_secret_access_key = not-to-be-used\n",
    )
    .expect("write the shell's credentials");

    let mut command = Command::new("bash");
    command
        .arg("-c")
        .arg(recipe)
        .current_dir(&repo)
        .env_clear()
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .env("HOME", &home)
        .env("TMPDIR", &tmp)
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_IN_AUTOMATION", "1")
        // The recipe's `terraform apply` and `destroy` ask for approval; this answers it.
        .env("TF_CLI_ARGS_apply", "-auto-approve")
        .env("TF_CLI_ARGS_destroy", "-auto-approve")
        // A shell set up for production: none of it may be used.
        .env("AWS_PROFILE", "production")
        .env("AWS_ENDPOINT_URL_IAM", "http://127.0.0.1:9")
        .env("AWS_ENDPOINT_URL_ORGANIZATIONS", "http://127.0.0.1:9")
        .env("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so a timeout stops the sandbox and Terraform with it.
        .process_group(0);
    let mut child = command.spawn().expect("run bash");
    let pipes = (child.stdout.take(), child.stderr.take());
    let readers = [pipes.0.map(read_all), pipes.1.map(read_all)];
    let deadline = Instant::now() + RECIPE_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for bash") {
            break status;
        }
        if Instant::now() > deadline {
            let group = i32::try_from(child.id()).expect("pid fits i32");
            // SAFETY: signals the process group this test started, nothing else.
            unsafe { libc::killpg(group, libc::SIGKILL) };
            panic!("the recipe ran longer than {RECIPE_TIMEOUT:?}");
        }
        thread::sleep(Duration::from_millis(100));
    };
    let [stdout, stderr] =
        readers.map(|reader| reader.map_or_else(String::new, |r| r.join().expect("reader")));
    let lines = |path: &Path| -> Vec<String> {
        fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    };
    RecipeRun {
        code: status.code(),
        stdout,
        stderr,
        terraform_commands: lines(&terraform_log),
        cargo_commands: lines(&cargo_log),
        tmp,
    }
}

fn read_all(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

/// A directory for one recipe run under `.e2e-work/`, kept when the test fails.
fn recipe_root(name: &str) -> tempfile::TempDir {
    let parent = Path::new(env!("CARGO_MANIFEST_DIR")).join(".e2e-work");
    fs::create_dir_all(&parent).expect("create .e2e-work");
    tempfile::Builder::new()
        .prefix(&format!("{name}-"))
        .tempdir_in(&parent)
        .expect("a directory for the recipe")
}

fn keep_on_failure(root: tempfile::TempDir, check: impl FnOnce(&Path)) {
    let path = root.path().to_path_buf();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&path)));
    if let Err(panic) = outcome {
        let kept = root.keep();
        eprintln!("kept the failed recipe's directory: {}", kept.display());
        std::panic::resume_unwind(panic);
    }
}

/// The port taken (by LocalStack, say): the recipe stops with a message before any Terraform
/// command, and writes no configuration and no state.
fn quickstart_recipe_stops_before_terraform_when_the_port_is_taken(tf: &'static Terraform) {
    let taken = TcpListener::bind("127.0.0.1:0").expect("take a port");
    let address = taken.local_addr().expect("its address").to_string();
    let recipe = readme_recipe().replace(RECIPE_ADDRESS, &address);
    keep_on_failure(recipe_root("recipe-port-taken"), |root| {
        let run = run_recipe(root, &recipe, tf);
        assert_eq!(run.code, Some(1), "{run}");
        assert!(
            run.stderr.contains(
                "The sandbox did not start (its error is above): stopping before Terraform runs."
            ),
            "{run}"
        );
        assert!(
            run.stderr.contains(&address),
            "the sandbox's own error names the address: {run}"
        );
        assert_eq!(run.cargo_commands, ["build"], "{run}");
        assert!(
            run.terraform_commands.is_empty(),
            "Terraform ran: {:?}\n{run}",
            run.terraform_commands
        );
        for file in ["main.tf", "sandbox_override.tf", "terraform.tfstate"] {
            assert!(
                run.files_named(file).is_empty(),
                "{file} was written: {run}"
            );
        }
    });
    drop(taken);
}

/// The port free: the recipe applies and destroys the quickstart against its own sandbox, with
/// a shell whose AWS settings point elsewhere, and stops the sandbox at the end.
fn quickstart_recipe_applies_and_destroys_against_its_sandbox_only(tf: &'static Terraform) {
    let address = {
        let probe = TcpListener::bind("127.0.0.1:0").expect("find a free port");
        probe.local_addr().expect("its address").to_string()
    };
    let recipe = readme_recipe().replace(RECIPE_ADDRESS, &address);
    keep_on_failure(recipe_root("recipe"), |root| {
        let run = run_recipe(root, &recipe, tf);
        assert_eq!(run.code, Some(0), "{tf}: {run}");
        assert_eq!(run.terraform_commands, ["apply", "destroy"], "{tf}: {run}");
        assert!(
            run.stdout.contains("Apply complete! Resources: 2 added"),
            "{tf}: {run}"
        );
        assert!(
            run.stdout
                .contains("Destroy complete! Resources: 2 destroyed."),
            "{tf}: {run}"
        );
        let overrides = run.files_named("sandbox_override.tf");
        assert_eq!(overrides.len(), 1, "{tf}: {run}");
        let text = fs::read_to_string(&overrides[0]).expect("read the override");
        assert!(
            text.contains(&format!("iam           = \"http://{address}\"")),
            "{text}"
        );
        assert!(text.contains("AKIASANDBOX111111111"), "{text}");
        let state = run.files_named("terraform.tfstate");
        assert_eq!(state.len(), 1, "{tf}: {run}");
        let state: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&state[0]).expect("read state"))
                .expect("state is JSON");
        assert_eq!(state["resources"], serde_json::json!([]), "{tf}: {state}");
        assert!(
            TcpStream::connect(&address).is_err(),
            "{tf}: the sandbox still listens on {address}"
        );
    });
}

/// The quickstart's resources, behind a provider block with `guard` in it.
fn guarded_config(guard: &str) -> String {
    format!(
        r#"{REQUIRED_PROVIDERS}provider "centralroot" {{
  {guard}
}}

resource "centralroot_organization_features" "this" {{
  enable_trusted_access = true
  enabled_features      = ["RootCredentialsManagement", "RootSessions"]
}}

resource "centralroot_delegated_admin" "iam" {{
  account_id = "{admin}"
  depends_on = [centralroot_organization_features.this]
}}
"#,
        admin = MEMBERS[0],
    )
}

/// Fails the test unless the run's output says `needle`, however Terraform wrapped its lines.
#[track_caller]
fn assert_says(run: &Run, needle: &str) {
    let flat = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let output = flat(&format!("{}\n{}", run.stdout, run.stderr));
    assert!(
        output.contains(&flat(needle)),
        "expected the output to say {needle:?}:\n{run}"
    );
}

/// The operations the sandbox answered since its counters were last reset.
fn operations(fx: &SandboxFixture) -> BTreeSet<String> {
    fx.requests().operations.keys().cloned().collect()
}

/// Nothing of the quickstart exists in the sandbox.
#[track_caller]
fn untouched(fx: &SandboxFixture, tf: &Terraform) {
    let state = fx.state();
    assert!(state.features.is_empty(), "{tf}: {:?}", state.features);
    assert!(
        state.trusted_access.is_empty(),
        "{tf}: {:?}",
        state.trusted_access
    );
    assert!(
        state.delegated_administrators.is_empty(),
        "{tf}: {:?}",
        state.delegated_administrators
    );
}

/// `allowed_account_ids` / `forbidden_account_ids` refuse the management account's
/// credentials: the apply fails on the argument's line, naming the account and the list, and
/// the sandbox's request log holds `GetCallerIdentity` alone. A plan saved with the right
/// credentials and applied with a member's is stopped the same way. With the right account,
/// the apply goes through with one identity check per provider configuration.
fn an_account_guard_mismatch_fails_before_any_aws_write(tf: &'static Terraform) {
    let fx = SandboxFixture::default_seed();
    let mut ws = Workspace::new(tf, "account-guard");
    fx.configure(&mut ws, MANAGEMENT);
    let member = MEMBERS[0];
    for (guard, argument, listed) in [
        (
            format!("allowed_account_ids = [\"{member}\"]"),
            "allowed_account_ids",
            format!("which is not in allowed_account_ids = [\"{member}\"]"),
        ),
        (
            format!("forbidden_account_ids = [\"{member}\", \"{MANAGEMENT}\"]"),
            "forbidden_account_ids",
            format!("which is in forbidden_account_ids = [\"{MANAGEMENT}\", \"{member}\"]"),
        ),
    ] {
        ws.write_main(&guarded_config(&guard));
        fx.reset_requests();
        let run = ws.run(&["apply", "-auto-approve"]);
        run.assert_failure();
        assert_says(&run, "Error: AWS account not allowed");
        assert_says(&run, &format!("belong to account {MANAGEMENT}"));
        assert_says(&run, &listed);
        assert_says(&run, "stopped before reading or changing anything");
        let line = ws.line_of("main.tf", argument);
        run.assert_output_contains(&format!("on main.tf line {line}"));
        assert_eq!(
            operations(&fx),
            BTreeSet::from(["GetCallerIdentity".to_owned()]),
            "{tf}: {guard}"
        );
        untouched(&fx, tf);
    }

    // A plan made as the management account, applied with a member's credentials.
    ws.write_main(&guarded_config(&format!(
        "allowed_account_ids = [\"{MANAGEMENT}\"]"
    )));
    ws.run_ok(&["plan", "-out=tfplan"]);
    fx.configure(&mut ws, member);
    fx.reset_requests();
    let run = ws.run(&["apply", "tfplan"]);
    run.assert_failure();
    assert_says(&run, &format!("belong to account {member}"));
    assert_eq!(
        operations(&fx),
        BTreeSet::from(["GetCallerIdentity".to_owned()]),
        "{tf}"
    );
    untouched(&fx, tf);

    // The right account: the guard lets the apply through, checking once per configuration
    // of the provider (Terraform configures it for the plan and again for the apply), not
    // once per resource.
    fx.configure(&mut ws, MANAGEMENT);
    fx.reset_requests();
    ws.apply();
    assert_eq!(fx.calls("GetCallerIdentity"), 2, "{tf}");
    let state = fx.state();
    assert_eq!(state.features.len(), 2, "{tf}");
    assert!(
        state
            .delegated_administrators
            .iter()
            .any(|d| d.account_id == member && d.service_principal == IAM),
        "{tf}"
    );
}

/// A provider block as hashicorp/aws users write it for the management account: `validate`
/// explains each argument that does not apply, on its line, refusing only `default_tags`; the
/// block without it validates, with warnings for the ignored ones.
fn a_copied_hashicorp_aws_block_is_explained(tf: &'static Terraform) {
    let block = |default_tags: &str| {
        format!(
            r#"{REQUIRED_PROVIDERS}provider "centralroot" {{
  region                      = "us-east-1"
  allowed_account_ids         = ["{MANAGEMENT}"]
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  s3_use_path_style           = false
  max_retries                 = 5
{default_tags}}}

data "centralroot_organization_features" "this" {{}}
"#
        )
    };
    let ws = Workspace::new(tf, "copied-block");
    ws.write_main(&block(
        "\n  default_tags {\n    tags = {\n      team = \"platform\"\n    }\n  }\n",
    ));
    let (validation, run) = ws.validate();
    assert!(!validation.valid, "{tf}: {run}");
    let errors: Vec<_> = validation.errors().collect();
    assert_eq!(errors.len(), 1, "{tf}: {:?}", validation.diagnostics);
    assert_eq!(errors[0].summary, "default_tags is not supported", "{tf}");
    assert!(
        errors[0].mentions("cannot be tagged"),
        "{tf}: {}",
        errors[0]
    );
    // Terraform 1.0 shows a nested block's diagnostic on the provider block itself.
    let block_line = ws.line_of("main.tf", "default_tags");
    let lines = if tf.at_least(1, 15) {
        vec![block_line]
    } else {
        vec![
            block_line,
            ws.line_of("main.tf", "provider \"centralroot\""),
        ]
    };
    assert!(
        errors[0].line.is_some_and(|line| lines.contains(&line)),
        "{tf}: {} is not on a line of {lines:?}",
        errors[0]
    );

    ws.write_main(&block(""));
    let (validation, run) = ws.validate();
    assert!(validation.valid, "{tf}: {run}");
    let mut warned: Vec<(&str, Option<u64>)> = validation
        .diagnostics
        .iter()
        .filter(|d| d.severity == "warning" && d.summary.ends_with(" is ignored"))
        .map(|d| (d.summary.as_str(), d.line))
        .collect();
    warned.sort_unstable();
    assert_eq!(
        warned,
        [
            (
                "skip_credentials_validation is ignored",
                Some(ws.line_of("main.tf", "skip_credentials_validation"))
            ),
            (
                "skip_metadata_api_check is ignored",
                Some(ws.line_of("main.tf", "skip_metadata_api_check"))
            ),
        ],
        "{tf}: {:?}",
        validation.diagnostics
    );
}

pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::on_terraform_1_15(
            "quickstart_recipe_stops_before_terraform_when_the_port_is_taken",
            quickstart_recipe_stops_before_terraform_when_the_port_is_taken,
        ),
        Case::each_cli(
            "quickstart_recipe_applies_and_destroys_against_its_sandbox_only",
            quickstart_recipe_applies_and_destroys_against_its_sandbox_only,
        ),
        Case::each_cli(
            "an_account_guard_mismatch_fails_before_any_aws_write",
            an_account_guard_mismatch_fails_before_any_aws_write,
        ),
        Case::each_cli(
            "a_copied_hashicorp_aws_block_is_explained",
            a_copied_hashicorp_aws_block_is_explained,
        ),
    ],
);
