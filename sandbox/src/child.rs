//! Running the sandbox command as a child process, for tests of the command line: this crate's
//! own `centralroot-sandbox` binary, or `terraform-provider-centralroot sandbox`.

use super::ready::parse_ready_line;
use super::seed::Credentials;
use std::io;
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

/// A sandbox child process; killed when dropped.
#[derive(Debug)]
pub struct ChildSandbox {
    child: Child,
    stdout: Lines<BufReader<ChildStdout>>,
    /// The ready line it printed.
    pub ready_line: String,
    /// `http://127.0.0.1:PORT`.
    pub endpoint_url: String,
    /// The management account's credentials, from the ready line.
    pub credentials: Credentials,
}

impl ChildSandbox {
    /// Runs `program [SUBCOMMAND] --listen 127.0.0.1:0 ARGS…` (`SUBCOMMAND` is `sandbox` for
    /// the provider's binary) and waits (at most 30 s) for its ready line. Logs go to this
    /// process's stderr at `RUST_LOG` (default `warn`).
    pub async fn spawn(
        program: &Path,
        subcommand: Option<&str>,
        args: &[&str],
    ) -> io::Result<ChildSandbox> {
        let mut child = Command::new(program)
            .args(subcommand)
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .env(
                "RUST_LOG",
                std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".to_owned()),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| io::Error::other("child stdout is not piped"))?;
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "no ready line within 30 s"))??
            .ok_or_else(|| io::Error::other("the sandbox exited before it was ready"))?;
        let (endpoint_url, credentials) = parse_ready_line(&line)
            .ok_or_else(|| io::Error::other(format!("unexpected ready line: {line}")))?;
        Ok(ChildSandbox {
            child,
            stdout: lines,
            ready_line: line,
            endpoint_url,
            credentials,
        })
    }

    /// The child's process id.
    pub fn id(&self) -> Option<u32> {
        self.child.id()
    }

    /// Sends `signal` (e.g. `libc::SIGTERM`), waits for the process to exit and answers its
    /// exit status and whatever it printed on stdout after the ready line.
    pub async fn stop(mut self, signal: libc::c_int) -> io::Result<(ExitStatus, String)> {
        if let Some(pid) = self.child.id() {
            let pid = libc::pid_t::try_from(pid).map_err(io::Error::other)?;
            // SAFETY: kill(2) on the pid of a child we spawned and have not reaped yet.
            if unsafe { libc::kill(pid, signal) } != 0 {
                return Err(io::Error::last_os_error());
            }
        }
        let status = self.child.wait().await?;
        let mut rest = String::new();
        self.stdout.into_inner().read_to_string(&mut rest).await?;
        Ok((status, rest))
    }
}
