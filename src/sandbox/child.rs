//! Running the sandbox binary as a child process, for end-to-end tests.

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

/// Reads `AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` from a ready line.
pub fn parse_ready_line(line: &str) -> Option<(String, Credentials)> {
    let value = |name: &str| {
        line.split_whitespace()
            .find_map(|word| word.strip_prefix(name)?.strip_prefix('='))
            .map(str::to_owned)
    };
    Some((
        value("AWS_ENDPOINT_URL")?,
        Credentials {
            access_key_id: value("AWS_ACCESS_KEY_ID")?,
            secret_access_key: value("AWS_SECRET_ACCESS_KEY")?,
        },
    ))
}

impl ChildSandbox {
    /// Runs `program sandbox --listen 127.0.0.1:0 ARGS…` and waits (at most 30 s) for its
    /// ready line. Logs go to this process's stderr at `RUST_LOG` (default `warn`).
    pub async fn spawn(program: &Path, args: &[&str]) -> io::Result<ChildSandbox> {
        let mut child = Command::new(program)
            .arg("sandbox")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_ready_line() {
        let (url, credentials) = parse_ready_line(
            "export AWS_ENDPOINT_URL=http://127.0.0.1:1 AWS_ACCESS_KEY_ID=AK AWS_SECRET_ACCESS_KEY=SK AWS_REGION=us-east-1 # sandbox ready",
        )
        .unwrap();
        assert_eq!(url, "http://127.0.0.1:1");
        assert_eq!(credentials.secret_access_key, "SK");
        assert!(parse_ready_line("hello").is_none());
    }
}
