//! One Terraform command: a clean environment, a timeout, its output and log, and Terraform's own
//! consistency checks turned into test failures, like requests outside the permissions of the
//! workspace's types.

use std::fmt;
use std::fs::{self, File};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::Terraform;
use super::permissions::{Watch, Watched};

/// What Terraform says when the provider broke one of its consistency rules. Some of these are
/// only warnings in the log (tolerated for legacy SDK providers), so every run's stdout, stderr
/// and log are searched.
pub const CONSISTENCY_MARKERS: [&str; 4] = [
    "inconsistent result",
    "Provider produced inconsistent",
    "produced an invalid",
    // Terraform could not render the plan from what the provider planned (e.g. an unknown
    // identity): the diff is silently missing from the output.
    "Failed to marshal plan",
];

/// Default limit for one command; `CENTRALROOT_E2E_TIMEOUT_SECS` overrides it.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// Terraform's log level for every run; `CENTRALROOT_E2E_TF_LOG` overrides it (e.g. `TRACE`).
const DEFAULT_LOG_LEVEL: &str = "WARN";

/// The lines of `text` that report a consistency error.
pub fn consistency_errors(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|line| {
            CONSISTENCY_MARKERS
                .iter()
                .any(|marker| line.contains(marker))
        })
        .collect()
}

/// A finished Terraform command.
#[derive(Debug, Clone)]
pub struct Run {
    /// The CLI that ran, for messages.
    pub terraform: String,
    pub args: Vec<String>,
    /// Exit code; `None` when a signal ended the process.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// Terraform's log (`TF_LOG_PATH`) at the configured level.
    pub log: String,
    pub elapsed: Duration,
    /// Where stdout, stderr and the log are kept (`<prefix>.stdout`, …).
    pub files: PathBuf,
}

impl Run {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// Fails the test unless the command exited 0.
    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        assert!(self.success(), "expected success:\n{self}");
        self
    }

    /// Fails the test unless the command exited 1, Terraform's exit code for errors.
    #[track_caller]
    pub fn assert_failure(&self) -> &Self {
        assert_eq!(self.code, Some(1), "expected exit code 1:\n{self}");
        self
    }

    /// Fails the test unless stdout or stderr contains `needle`.
    #[track_caller]
    pub fn assert_output_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle) || self.stderr.contains(needle),
            "expected the output to contain {needle:?}:\n{self}"
        );
        self
    }

    /// stdout parsed as JSON, failing the test when it is not.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|err| panic!("stdout is not JSON ({err}):\n{self}"))
    }
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = match self.code {
            Some(code) => format!("exited with {code}"),
            None => "was killed by a signal".to_string(),
        };
        writeln!(
            f,
            "{} `{}` {status} after {:.1?} (files: {}.*)",
            self.terraform,
            self.args.join(" "),
            self.elapsed,
            self.files.display(),
        )?;
        writeln!(f, "--- stdout ---\n{}", self.stdout.trim_end())?;
        writeln!(f, "--- stderr ---\n{}", self.stderr.trim_end())?;
        let lines: Vec<&str> = self.log.lines().collect();
        let tail = &lines[lines.len().saturating_sub(60)..];
        write!(
            f,
            "--- log (last {} lines) ---\n{}",
            tail.len(),
            tail.join("\n")
        )
    }
}

/// Everything one command needs; built by the workspace.
pub struct Invocation<'a> {
    pub terraform: &'a Terraform,
    pub args: Vec<String>,
    pub dir: PathBuf,
    /// The complete environment: nothing is inherited but `PATH`.
    pub env: Vec<(String, String)>,
    /// Prefix of the files that keep stdout, stderr and the log.
    pub files: PathBuf,
    /// The sandbox whose request log the command is checked against, if any.
    pub watch: Option<Watch>,
    /// How long the command may take, when longer than [`timeout`].
    pub timeout: Option<Duration>,
}

impl Invocation<'_> {
    /// Runs the command to completion and fails the test on a timeout or a consistency error.
    pub fn execute(self) -> Run {
        self.spawn().finish()
    }

    /// Starts the command and returns at once, for tests that act on it while it runs.
    pub fn spawn(self) -> Running {
        let stdout_path = self.files.with_extension("stdout");
        let stderr_path = self.files.with_extension("stderr");
        let log_path = self.files.with_extension("log");
        // A workspace may ask for its own level (e.g. TRACE to scan for secrets).
        let level = self
            .env
            .iter()
            .find(|(key, _)| key == "TF_LOG")
            .map(|(_, level)| level.clone())
            .or_else(|| std::env::var("CENTRALROOT_E2E_TF_LOG").ok())
            .unwrap_or_else(|| DEFAULT_LOG_LEVEL.into());

        let mut command = Command::new(&self.terraform.path);
        command
            .args(&self.args)
            .current_dir(self.dir)
            .env_clear()
            .envs(std::env::var_os("PATH").map(|path| ("PATH", path)))
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env("TF_LOG", &level)
            .env("TF_LOG_PATH", &log_path)
            .stdin(Stdio::null())
            .stdout(create(&stdout_path))
            .stderr(create(&stderr_path))
            // Its own process group, so a timeout can end Terraform together with its plugins.
            .process_group(0);

        let watched = self.watch.as_ref().map(Watch::start);
        let started = Instant::now();
        let child = command
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {}: {err}", self.terraform.path.display()));
        Running {
            child,
            started,
            limit: self.timeout.map_or_else(timeout, |own| own.max(timeout())),
            terraform: self.terraform.to_string(),
            args: self.args,
            files: self.files,
            watched,
        }
    }
}

/// A command that is still running.
pub struct Running {
    child: std::process::Child,
    started: Instant,
    limit: Duration,
    terraform: String,
    args: Vec<String>,
    files: PathBuf,
    watched: Option<Watched>,
}

impl Running {
    /// The process id of the command, which leads its own process group.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the command has written to stdout so far.
    pub fn stdout_so_far(&self) -> String {
        read(&self.files.with_extension("stdout"))
    }

    /// Waits for the command and fails the test on a timeout or a consistency error.
    pub fn finish(mut self) -> Run {
        let status = wait_with_timeout(&mut self.child, self.limit).unwrap_or_else(|| {
            kill_group(self.child.id());
            // Reap it; the process group is already gone.
            let _ = self.child.wait();
            panic!(
                "{} `{}` did not finish within {:?}; stdout, stderr and log: {}.*",
                self.terraform,
                self.args.join(" "),
                self.limit,
                self.files.display()
            )
        });

        let run = Run {
            terraform: self.terraform,
            args: self.args,
            code: status.code(),
            stdout: read(&self.files.with_extension("stdout")),
            stderr: read(&self.files.with_extension("stderr")),
            log: read(&self.files.with_extension("log")),
            elapsed: self.started.elapsed(),
            files: self.files,
        };
        let errors: Vec<&str> = [&run.stdout, &run.stderr, &run.log]
            .into_iter()
            .flat_map(|text| consistency_errors(text))
            .collect();
        assert!(
            errors.is_empty(),
            "Terraform reported a provider consistency error:\n  {}\n{run}",
            errors.join("\n  ")
        );
        if let Some(watched) = self.watched {
            watched.check(&format!("{} {}", run.terraform, run.args.join(" ")));
        }
        run
    }
}

fn timeout() -> Duration {
    std::env::var("CENTRALROOT_E2E_TIMEOUT_SECS")
        .ok()
        .and_then(|secs| secs.parse().ok())
        .map_or(DEFAULT_TIMEOUT, Duration::from_secs)
}

fn wait_with_timeout(child: &mut std::process::Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
            Ok(None) => return None,
            Err(err) => panic!("cannot wait for terraform: {err}"),
        }
    }
}

fn kill_group(pid: u32) {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    // SAFETY: kill(2) with a negative pid signals the process group this harness created for the
    // command (process_group(0) makes the child its leader); it touches no memory.
    unsafe {
        libc::kill(-pid, libc::SIGKILL);
    }
}

fn create(path: &Path) -> File {
    File::create(path).unwrap_or_else(|err| panic!("cannot create {}: {err}", path.display()))
}

fn read(path: &Path) -> String {
    match fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        // Terraform creates the log only when it has something to say.
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => panic!("cannot read {}: {err}", path.display()),
    }
}
