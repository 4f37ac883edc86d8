//! `terraform-provider-centralroot sandbox [--listen ADDR] [--seed FILE | --seed-members N]
//! [--state FILE] [--env-file FILE] [--rate-limit OPERATION=RATE[/BURST]]...
//! [--expose-control-plane-and-keys]`.
//!
//! Prints one line on stdout once the listener is bound, a shell statement exporting the
//! endpoint and the management account's credentials (and writes it to `--env-file`); logs
//! go to stderr. SIGINT and SIGTERM stop the server cleanly and write `--state` if given; an
//! existing `--state` file is loaded on start (it wins over `--seed`). An address beyond
//! loopback needs `--expose-control-plane-and-keys`.

use super::control::Exposure;
use super::engine::Sandbox;
use super::faults::FaultConfig;
use super::limits::Limits;
use super::private_file;
use super::rate_limits::RateLimit;
use super::ready::ready_line;
use super::seed::{Seed, SeedError};
use super::server::serve;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use tokio::net::TcpListener;

const USAGE: &str = "usage: terraform-provider-centralroot sandbox [--listen 127.0.0.1:4566] [--seed FILE | --seed-members N] [--state FILE] [--env-file FILE] [--rate-limit OPERATION=RATE[/BURST]]... [--expose-control-plane-and-keys]";

/// The flag that allows listening beyond loopback; its name says what that gives away.
pub const EXPOSE_FLAG: &str = "--expose-control-plane-and-keys";

const HELP: &str = "\
Runs a local emulator of AWS IAM, Organizations and STS for centralized root access.

  --listen ADDR   address to listen on (default 127.0.0.1:4566)
  --seed FILE     JSON seed (organization, accounts, root credentials, ...)
  --seed-members N
                  instead of --seed: the default organization plus N generated members with
                  mixed root credentials, trusted access for IAM and both features on
  --state FILE    loaded on start if it exists (wins over --seed), written on SIGINT/SIGTERM
  --env-file FILE the ready line, written (mode 0600) once the sandbox listens and removed
                  when it stops: its existence means ready
  --rate-limit OPERATION=RATE[/BURST]
                  a token bucket per calling account: RATE requests of OPERATION per second,
                  BURST at once (default RATE); beyond it AWS's Throttling, Rate exceeded.
                  OPERATION * limits every operation not named. Repeatable; kept by reset.
  --expose-control-plane-and-keys
                  required to listen on an address beyond loopback: whoever can connect
                  can then drive the unauthenticated control plane under /_sandbox/ (reseed,
                  read the seeded keys) and sign requests with the well-known keys

Once ready it prints one line on stdout that exports AWS_ENDPOINT_URL, the management
account's credentials and the Region (AWS_REGION, and AWS_DEFAULT_REGION for the AWS CLI v1).
Logs go to stderr (RUST_LOG, default info).";

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
    /// `--listen` reaches beyond loopback without [`EXPOSE_FLAG`].
    #[error(
        "--listen {0} reaches beyond loopback: whoever can connect could drive the unauthenticated control plane (/_sandbox/: reseed the sandbox, read its keys) and sign requests with the sandbox's well-known keys; pass {EXPOSE_FLAG} to listen there anyway"
    )]
    NotLoopback(String),
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
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Listen address.
    pub listen: String,
    /// Seed file.
    pub seed: Option<PathBuf>,
    /// Generated members of a large organization, instead of a seed file.
    pub seed_members: Option<usize>,
    /// State file, loaded on start and written on stop.
    pub state: Option<PathBuf>,
    /// Where to write the ready line once listening.
    pub env_file: Option<PathBuf>,
    /// Token buckets from the start (`--rate-limit`).
    pub rate_limits: Vec<RateLimit>,
    /// Whether an address beyond loopback may be used.
    pub expose: bool,
}

impl Options {
    /// Parses the arguments after `sandbox`.
    pub fn parse(args: &[String]) -> Result<Options, CliError> {
        let mut options = Options {
            listen: "127.0.0.1:4566".to_owned(),
            seed: None,
            seed_members: None,
            state: None,
            env_file: None,
            rate_limits: Vec::new(),
            expose: false,
        };
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            let (name, inline) = match flag.split_once('=') {
                Some((name, value)) => (name, Some(value.to_owned())),
                None => (flag.as_str(), None),
            };
            if matches!(name, "-h" | "--help" | "help") {
                return Err(CliError::Help);
            }
            if name == EXPOSE_FLAG {
                if inline.is_some() {
                    return Err(CliError::Usage(format!("{EXPOSE_FLAG} takes no value")));
                }
                options.expose = true;
                continue;
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
                "--seed-members" => {
                    let count = value.parse().map_err(|_| {
                        CliError::Usage(format!("--seed-members needs a number, not {value:?}"))
                    })?;
                    options.seed_members = Some(count);
                }
                "--state" => options.state = Some(PathBuf::from(value)),
                "--env-file" => options.env_file = Some(PathBuf::from(value)),
                "--rate-limit" => options
                    .rate_limits
                    .push(RateLimit::parse(&value).map_err(CliError::Usage)?),
                _ => return Err(CliError::Usage(format!("unknown flag {name}"))),
            }
        }
        if options.seed.is_some() && options.seed_members.is_some() {
            return Err(CliError::Usage(
                "--seed and --seed-members exclude each other".to_owned(),
            ));
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
            // A closed pipe (`| head`) is not worth a panic.
            let _ = writeln!(std::io::stdout(), "{USAGE}\n\n{HELP}");
            ExitCode::SUCCESS
        }
        Err(error @ (CliError::Usage(_) | CliError::NotLoopback(_))) => {
            tracing::error!("{error}");
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
    match (&options.seed, options.seed_members) {
        (Some(path), _) => load(path),
        (None, Some(members)) => Seed::large_organization(members)
            .validated()
            .map_err(|source| CliError::Seed {
                path: format!("--seed-members {members}"),
                source,
            }),
        (None, None) => Ok(Seed::default_seed()),
    }
}

/// Refuses an address beyond loopback unless exposure was asked for.
async fn check_exposure(options: &Options) -> Result<(), CliError> {
    if options.expose {
        return Ok(());
    }
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host(&options.listen)
        .await
        .map_err(|source| CliError::Io {
            what: format!("resolving {}", options.listen),
            source,
        })?
        .collect();
    if addresses.is_empty() || addresses.iter().any(|a| !a.ip().is_loopback()) {
        return Err(CliError::NotLoopback(options.listen.clone()));
    }
    Ok(())
}

async fn run(options: Options) -> Result<(), CliError> {
    check_exposure(&options).await?;
    let seed = initial_seed(&options)?;
    if let Some(path) = &options.env_file {
        // A file left by an earlier run must not pass for a ready signal.
        remove(path)?;
    }
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
    let stop = stop_signal();
    let line = ready_line(addr, &seed);
    let limits = Limits::default();
    let sandbox = Sandbox::with_limits(seed, &limits);
    if !options.rate_limits.is_empty() {
        sandbox.set_default_faults(FaultConfig {
            rate_limits: options.rate_limits.clone(),
            ..FaultConfig::default()
        });
    }
    tracing::info!(%addr, "sandbox listening");
    let exposure = if options.expose {
        tracing::warn!(%addr, "control plane and well-known keys exposed: anyone who can reach this address can reseed the sandbox through /_sandbox/");
        Exposure::Addresses
    } else {
        Exposure::Loopback
    };
    if let Some(path) = &options.env_file {
        private_file::write(path, format!("{line}\n").as_bytes()).map_err(|source| {
            CliError::Io {
                what: format!("writing {}", path.display()),
                source,
            }
        })?;
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
    let served = serve(listener, Arc::clone(&sandbox), limits, exposure, stop).await;
    tracing::info!("sandbox stopped");
    if let Some(path) = &options.env_file
        && let Err(error) = remove(path)
    {
        // The state still gets saved.
        tracing::warn!("{error}");
    }
    served.map_err(|source| CliError::Io {
        what: "serving".to_owned(),
        source,
    })?;
    if let Some(path) = &options.state {
        save(path, &sandbox.snapshot())?;
    }
    Ok(())
}

fn remove(path: &Path) -> Result<(), CliError> {
    match std::fs::remove_file(path) {
        Err(source) if source.kind() != std::io::ErrorKind::NotFound => Err(CliError::Io {
            what: format!("removing {}", path.display()),
            source,
        }),
        _ => Ok(()),
    }
}

fn save(path: &Path, seed: &Seed) -> Result<(), CliError> {
    let io = |source| CliError::Io {
        what: format!("writing {}", path.display()),
        source,
    };
    let text = serde_json::to_string_pretty(seed).map_err(|e| io(std::io::Error::other(e)))?;
    // The state holds every seeded secret; a crash never leaves half of it behind.
    private_file::write(path, text.as_bytes()).map_err(io)?;
    tracing::info!(path = %path.display(), "state saved");
    Ok(())
}

/// Installs the SIGINT and SIGTERM handlers now, so that a signal sent as soon as the sandbox
/// says it is ready stops it cleanly; the future completes on the first of them.
fn stop_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    use tokio::signal::unix::{SignalKind, signal};
    let handlers = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    );
    async move {
        match handlers {
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
        assert!(!options.expose);
        let options = Options::parse(&args(&[
            "--expose-control-plane-and-keys",
            "--env-file",
            "/tmp/env",
        ]))
        .unwrap();
        assert!(options.expose);
        assert_eq!(options.env_file, Some(PathBuf::from("/tmp/env")));
        assert!(Options::parse(&args(&["--expose-control-plane-and-keys=yes"])).is_err());
        assert!(Options::parse(&args(&["--seed"])).is_err());
        assert!(Options::parse(&args(&["--bogus", "1"])).is_err());
        let options = Options::parse(&args(&["--seed-members", "1000"])).unwrap();
        assert_eq!(options.seed_members, Some(1000));
        assert!(Options::parse(&args(&["--seed-members", "many"])).is_err());
        assert!(Options::parse(&args(&["--seed-members=5", "--seed", "s.json"])).is_err());
        let options = Options::parse(&args(&[
            "--rate-limit",
            "AssumeRoot=20/40",
            "--rate-limit=*=100",
        ]))
        .unwrap();
        assert_eq!(options.rate_limits.len(), 2);
        assert_eq!(options.rate_limits[0].burst, Some(40.0));
        assert_eq!(options.rate_limits[1].operation, "*");
        assert!(Options::parse(&args(&["--rate-limit", "AssumeRoot"])).is_err());
    }

    #[test]
    fn help_in_every_spelling_asks_for_the_usage() {
        for spelling in ["--help", "-h", "help"] {
            assert!(
                matches!(
                    Options::parse(&args(&["--listen", "127.0.0.1:0", spelling])),
                    Err(CliError::Help)
                ),
                "{spelling}"
            );
        }
    }
}
