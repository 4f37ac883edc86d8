//! `terraform-provider-centralroot sandbox [--listen ADDR] [--seed FILE] [--state FILE]`.
//!
//! Prints one line on stdout once the listener is bound, a shell statement exporting the
//! endpoint and the management account's credentials; logs go to stderr. SIGINT and SIGTERM
//! stop the server cleanly and write `--state` if given; an existing `--state` file is loaded
//! on start (it wins over `--seed`).

use super::engine::Sandbox;
use super::seed::{Seed, SeedError};
use super::server::serve;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use tokio::net::TcpListener;

const USAGE: &str = "usage: terraform-provider-centralroot sandbox [--listen 127.0.0.1:4566] [--seed FILE] [--state FILE]";

const HELP: &str = "\
Runs a local emulator of AWS IAM, Organizations and STS for centralized root access.

  --listen ADDR   address to listen on (default 127.0.0.1:4566; the control plane
                  under /_sandbox/ has no authentication: keep it on loopback)
  --seed FILE     JSON seed (organization, accounts, root credentials, ...)
  --state FILE    loaded on start if it exists (wins over --seed), written on SIGINT/SIGTERM

Once ready it prints one line on stdout that exports AWS_ENDPOINT_URL and the management
account's credentials. Logs go to stderr (RUST_LOG, default info).";

/// Why the sandbox could not run.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad command line.
    #[error("{0}\n{USAGE}")]
    Usage(String),
    /// `--help`: not an error, but nothing to run.
    #[error("help requested")]
    Help,
    /// A file or socket operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A seed or state file is not valid.
    #[error("{path}: {source}")]
    Seed {
        /// The file.
        path: String,
        /// The cause.
        source: SeedError,
    },
}

/// Parsed flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Listen address.
    pub listen: String,
    /// Seed file.
    pub seed: Option<PathBuf>,
    /// State file, loaded on start and written on stop.
    pub state: Option<PathBuf>,
}

impl Options {
    /// Parses the arguments after `sandbox`.
    pub fn parse(args: &[String]) -> Result<Options, CliError> {
        let mut options = Options {
            listen: "127.0.0.1:4566".to_owned(),
            seed: None,
            state: None,
        };
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            let (name, inline) = match flag.split_once('=') {
                Some((name, value)) => (name, Some(value.to_owned())),
                None => (flag.as_str(), None),
            };
            if matches!(name, "-h" | "--help") {
                return Err(CliError::Help);
            }
            let value = match inline {
                Some(value) => value,
                None => args
                    .next()
                    .cloned()
                    .ok_or_else(|| CliError::Usage(format!("{name} needs a value")))?,
            };
            match name {
                "--listen" => options.listen = value,
                "--seed" => options.seed = Some(PathBuf::from(value)),
                "--state" => options.state = Some(PathBuf::from(value)),
                _ => return Err(CliError::Usage(format!("unknown flag {name}"))),
            }
        }
        Ok(options)
    }
}

/// Runs the sandbox command line.
pub fn main(args: &[String]) -> ExitCode {
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .try_init();
    let result = Options::parse(args).and_then(|options| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|source| CliError::Io {
                what: "starting the runtime".to_owned(),
                source,
            })?
            .block_on(run(options))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Help) => {
            println!("{USAGE}\n\n{HELP}");
            ExitCode::SUCCESS
        }
        Err(CliError::Usage(message)) => {
            tracing::error!("{message}");
            ExitCode::from(2)
        }
        Err(error) => {
            tracing::error!("{error}");
            ExitCode::FAILURE
        }
    }
}

fn load(path: &Path) -> Result<Seed, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Io {
        what: format!("reading {}", path.display()),
        source,
    })?;
    Seed::from_json(&text).map_err(|source| CliError::Seed {
        path: path.display().to_string(),
        source,
    })
}

/// The first seed: an existing state file, else the seed file, else the default seed.
fn initial_seed(options: &Options) -> Result<Seed, CliError> {
    if let Some(state) = options.state.as_deref().filter(|p| p.exists()) {
        tracing::info!(path = %state.display(), "loading state");
        return load(state);
    }
    match &options.seed {
        Some(path) => load(path),
        None => Ok(Seed::default_seed()),
    }
}

/// The ready line: a shell statement that points the AWS SDKs and CLI at the sandbox.
pub fn ready_line(addr: SocketAddr, seed: &Seed) -> String {
    let mut line = format!("export AWS_ENDPOINT_URL=http://{addr}");
    if let Some(credentials) = seed.management_credentials() {
        line.push_str(&format!(
            " AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={}",
            credentials.access_key_id, credentials.secret_access_key
        ));
    }
    line.push_str(" AWS_REGION=us-east-1 # sandbox ready");
    if let Some(organization) = &seed.organization {
        line.push_str(&format!(
            ": management account {}",
            organization.management_account_id
        ));
    }
    line
}

async fn run(options: Options) -> Result<(), CliError> {
    let seed = initial_seed(&options)?;
    let listener = TcpListener::bind(&options.listen)
        .await
        .map_err(|source| CliError::Io {
            what: format!("listening on {}", options.listen),
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| CliError::Io {
        what: "reading the bound address".to_owned(),
        source,
    })?;
    let line = ready_line(addr, &seed);
    let sandbox = Sandbox::new(seed);
    tracing::info!(%addr, "sandbox listening");
    if !addr.ip().is_loopback() {
        tracing::warn!(%addr, "listening beyond loopback: anyone who can reach it can reseed the sandbox through /_sandbox/");
    }
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{line}")
            .and_then(|()| stdout.flush())
            .map_err(|source| CliError::Io {
                what: "writing the ready line".to_owned(),
                source,
            })?;
    }
    serve(listener, Arc::clone(&sandbox), stop_signal())
        .await
        .map_err(|source| CliError::Io {
            what: "serving".to_owned(),
            source,
        })?;
    tracing::info!("sandbox stopped");
    if let Some(path) = &options.state {
        save(path, &sandbox.snapshot())?;
    }
    Ok(())
}

fn save(path: &Path, seed: &Seed) -> Result<(), CliError> {
    let io = |source| CliError::Io {
        what: format!("writing {}", path.display()),
        source,
    };
    let text = serde_json::to_string_pretty(seed).map_err(|e| io(std::io::Error::other(e)))?;
    // Write then rename, so a crash never leaves half a state file behind.
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, text).map_err(io)?;
    std::fs::rename(&temporary, path).map_err(io)?;
    tracing::info!(path = %path.display(), "state saved");
    Ok(())
}

async fn stop_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) {
        (Ok(mut interrupt), Ok(mut terminate)) => {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        }
        _ => {
            tracing::warn!("cannot install signal handlers; stopping on Ctrl-C only");
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn parses_flags() {
        let options =
            Options::parse(&args(&["--listen", "127.0.0.1:0", "--state=/tmp/s.json"])).unwrap();
        assert_eq!(options.listen, "127.0.0.1:0");
        assert_eq!(options.state, Some(PathBuf::from("/tmp/s.json")));
        assert!(Options::parse(&args(&["--seed"])).is_err());
        assert!(Options::parse(&args(&["--bogus", "1"])).is_err());
    }

    #[test]
    fn ready_line_exports_endpoint_and_credentials() {
        let line = ready_line("127.0.0.1:4566".parse().unwrap(), &Seed::default_seed());
        assert!(line.starts_with(
            "export AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_ACCESS_KEY_ID=AKIASANDBOX111111111 AWS_SECRET_ACCESS_KEY="
        ));
        assert!(line.contains(" AWS_REGION=us-east-1 # sandbox ready"));
    }
}
