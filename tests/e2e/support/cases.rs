//! The harness's unit: one trial per (test, Terraform CLI).
//!
//! Each module lists its tests in a table of [`Case`]s ([`Cases`]); `main.rs` turns every table
//! into libtest-mimic trials, which print, filter (`--exact`, `--skip`), list (`--list`) and
//! count (`test result: … passed; … failed; … ignored`) like the built-in harness. A test that
//! runs with every CLI is one trial per CLI, named after it
//! (`organization_features::create_update_drift_destroy::terraform_1_0_3`), so each pair passes,
//! fails or is skipped on its own: a CLI older than the test [`needs`](Case::needs) is counted
//! as ignored, with the reason, instead of passing without running. `--include-ignored` (or
//! `--ignored`) runs those pairs anyway. A module whose tests are items of a list it reads (each
//! snippet of the docs) makes them when the harness starts ([`Generated`]), each its own trial
//! per CLI, so that a snippet too new for a CLI is counted as skipped too.

use std::backtrace::{Backtrace, BacktraceStatus};
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use libtest_mimic::{Arguments, Completion, Failed, Trial};

use super::Terraform;
use super::terraform::terraforms;

/// The oldest Terraform a test runs with, and what it needs from it.
#[derive(Clone, Copy)]
struct Needs {
    major: u32,
    minor: u32,
    /// The feature that came with that release, for the skip reason.
    what: &'static str,
}

/// How a test runs.
#[derive(Clone, Copy)]
enum Runs {
    /// Once per CLI; a CLI older than `needs` is skipped.
    EachCli {
        body: fn(&'static Terraform),
        needs: Option<Needs>,
    },
    /// Once, with Terraform 1.15: scenarios whose cost does not depend on the CLI.
    Terraform115(fn(&'static Terraform)),
    /// Once, with no Terraform or with CLIs of its own choosing.
    Once(fn()),
}

/// One test of a module's table.
#[derive(Clone, Copy)]
pub struct Case {
    name: &'static str,
    runs: Runs,
}

impl Case {
    /// A test that runs `body` with every CLI, one trial each.
    pub const fn each_cli(name: &'static str, body: fn(&'static Terraform)) -> Self {
        Self {
            name,
            runs: Runs::EachCli { body, needs: None },
        }
    }

    /// The same test, skipped with CLIs older than `major.minor`, which lack `what`
    /// (e.g. "actions").
    pub const fn needs(self, major: u32, minor: u32, what: &'static str) -> Self {
        let Runs::EachCli { body, .. } = self.runs else {
            panic!("only a test run with every CLI can need a newer one");
        };
        Self {
            name: self.name,
            runs: Runs::EachCli {
                body,
                needs: Some(Needs { major, minor, what }),
            },
        }
    }

    /// A test that runs `body` once, with Terraform 1.15.
    pub const fn on_terraform_1_15(name: &'static str, body: fn(&'static Terraform)) -> Self {
        Self {
            name,
            runs: Runs::Terraform115(body),
        }
    }

    /// A test that runs once, with no CLI given.
    pub const fn once(name: &'static str, body: fn()) -> Self {
        Self {
            name,
            runs: Runs::Once(body),
        }
    }
}

/// What a test does with one CLI.
type Body = Arc<dyn Fn(&'static Terraform) + Send + Sync>;

/// A test made when the harness starts, run with every CLI as [`Case::each_cli`] is.
pub struct Generated {
    name: String,
    needs: Option<Needs>,
    body: Body,
}

impl Generated {
    /// The test `name` (unique in its module), running `body` with every CLI.
    pub fn each_cli(
        name: String,
        body: impl Fn(&'static Terraform) + Send + Sync + 'static,
    ) -> Self {
        Self {
            name,
            needs: None,
            body: Arc::new(body),
        }
    }

    /// The same test, skipped with CLIs older than `major.minor`, which lack `what`.
    pub fn needs(self, major: u32, minor: u32, what: &'static str) -> Self {
        Self {
            needs: Some(Needs { major, minor, what }),
            ..self
        }
    }
}

/// The table of one module: its path (`module_path!()`), its tests, and the function that
/// makes the tests it reads from a list, if any.
pub struct Cases {
    module: &'static str,
    cases: &'static [Case],
    generated: Option<fn() -> Vec<Generated>>,
}

impl Cases {
    pub const fn new(module: &'static str, cases: &'static [Case]) -> Self {
        Self {
            module,
            cases,
            generated: None,
        }
    }

    /// The same table, with the tests `make` makes when the harness starts.
    pub const fn with_generated(self, make: fn() -> Vec<Generated>) -> Self {
        Self {
            generated: Some(make),
            ..self
        }
    }

    /// The module's path within the test binary, e.g. `release::archive`.
    fn prefix(&self) -> &'static str {
        self.module
            .split_once("::")
            .map_or(self.module, |(_, rest)| rest)
    }
}

/// Every trial of `modules`, for the CLIs the harness found.
pub fn trials(args: &Arguments, modules: &[&Cases]) -> Vec<Trial> {
    capture_panics();
    let clis = named_clis();
    let newest = terraforms()
        .iter()
        .find(|tf| tf.version.0 == 1 && tf.version.1 == 15)
        .expect("Terraform 1.15 is among the CLIs");
    let mut trials = Vec::new();
    for module in modules {
        for case in module.cases {
            let name = format!("{}::{}", module.prefix(), case.name);
            match case.runs {
                Runs::EachCli { body, needs } => {
                    let body: Body = Arc::new(body);
                    trials.extend(each_cli(args, &clis, &name, needs, &body));
                }
                Runs::Terraform115(body) => {
                    let cli = trial_name(newest);
                    trials.push(Trial::test(format!("{name}::{cli}"), move || {
                        run(|| body(newest))
                    }));
                }
                Runs::Once(body) => trials.push(Trial::test(name, move || run(body))),
            }
        }
        for test in module.generated.map(|make| make()).unwrap_or_default() {
            let name = format!("{}::{}", module.prefix(), test.name);
            trials.extend(each_cli(args, &clis, &name, test.needs, &test.body));
        }
    }
    let mut names = BTreeSet::new();
    for trial in &trials {
        assert!(
            names.insert(trial.name().to_owned()),
            "two trials are named {}",
            trial.name()
        );
    }
    trials
}

/// The trials of the test `name`, one per CLI: a CLI older than `needs` reports the trial
/// ignored, with the reason, unless `--ignored` or `--include-ignored` asks to run it anyway.
fn each_cli(
    args: &Arguments,
    clis: &[(String, &'static Terraform)],
    name: &str,
    needs: Option<Needs>,
    body: &Body,
) -> Vec<Trial> {
    let run_too_old = args.ignored || args.include_ignored;
    clis.iter()
        .map(|(cli, tf)| {
            let skip = needs
                .filter(|needs| !tf.at_least(needs.major, needs.minor))
                .map(|needs| {
                    format!(
                        "needs Terraform ≥ {}.{}: {}",
                        needs.major, needs.minor, needs.what
                    )
                });
            // `--ignored` selects the trials flagged ignored, so the too-old pairs carry the
            // flag then; otherwise they report their reason themselves.
            let flagged = skip.is_some() && args.ignored;
            let skip = skip.filter(|_| !run_too_old);
            let tf: &'static Terraform = tf;
            let body = Arc::clone(body);
            Trial::ignorable_test(format!("{name}::{cli}"), move || match skip {
                Some(reason) => Ok(Completion::ignored_with(reason)),
                None => run(|| body(tf)).map(|()| Completion::Completed),
            })
            .with_ignored_flag(flagged)
        })
        .collect()
}

/// Every CLI with the name its trials carry: `terraform_1_15_5`, `opentofu_1_10_0`; a
/// `CENTRALROOT_TF_EXTRA` of the same version as a pinned one is told apart by `_extra`.
fn named_clis() -> Vec<(String, &'static Terraform)> {
    let mut named: Vec<(String, &'static Terraform)> = Vec::new();
    for tf in terraforms() {
        let mut name = trial_name(tf);
        if named.iter().any(|(taken, _)| *taken == name) {
            name.push_str("_extra");
        }
        named.push((name, tf));
    }
    named
}

fn trial_name(tf: &Terraform) -> String {
    let (major, minor, patch) = tf.version;
    let product = match tf.flavor {
        super::terraform::Flavor::Terraform => "terraform",
        super::terraform::Flavor::OpenTofu => "opentofu",
    };
    format!("{product}_{major}_{minor}_{patch}")
}

thread_local! {
    /// Set while a trial's body runs on this thread.
    static IN_TRIAL: Cell<bool> = const { Cell::new(false) };
    /// The panic of the trial's body on this thread: where and what (and a backtrace when
    /// `RUST_BACKTRACE` asks for one).
    static PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Keeps a trial's panic, with its place (which the payload lacks), for its failure message
/// instead of printing it among the other trials' output; panics elsewhere (a sandbox thread)
/// still go to the default hook.
fn capture_panics() {
    let default = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if IN_TRIAL.get() {
            let backtrace = Backtrace::capture();
            let message = match backtrace.status() {
                BacktraceStatus::Captured => format!("{info}\n{backtrace}"),
                _ => info.to_string(),
            };
            PANIC.set(Some(message));
        } else {
            default(info);
        }
    }));
}

/// Runs a trial's body; a panic fails the trial with its message and place.
fn run(body: impl FnOnce()) -> Result<(), Failed> {
    IN_TRIAL.set(true);
    let outcome = panic::catch_unwind(AssertUnwindSafe(body));
    IN_TRIAL.set(false);
    outcome.map_err(|_| {
        PANIC
            .take()
            .unwrap_or_else(|| "the test panicked".to_owned())
            .into()
    })
}
