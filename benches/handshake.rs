//! exec → handshake line, and idle RSS, of a provider binary started the way Terraform starts it
//! (go-plugin environment, a P-521 client certificate, a unix socket directory).
//!
//! `cargo test --bench handshake -- --provider target/release/terraform-provider-centralroot --runs 15`
//! prints medians (`scripts/bench.sh` does this). Without arguments, as `cargo test
//! --all-targets` runs it, it checks one handshake of the freshly built debug binary and prints
//! nothing else: a smoke test, never a timed assertion.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};

const MAGIC_COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// Settles the process after the handshake before its RSS is read.
const IDLE: Duration = Duration::from_millis(300);

/// A PEM certificate shaped like Terraform's client certificate.
fn terraform_like_cert() -> String {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).expect("P-521 key");
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.self_signed(&key).expect("self-signed").pem()
}

/// One start: (exec → first stdout line, VmRSS in KiB once idle).
fn one_run(provider: &str, cert: &str) -> (Duration, u64) {
    let dir = tempfile::tempdir().expect("socket directory");
    let started = Instant::now();
    let mut child = Command::new(provider)
        .env_clear()
        .env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_CLIENT_CERT", cert)
        .env("PLUGIN_UNIX_SOCKET_DIR", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {provider}: {err}"));
    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("handshake line");
    let handshake = started.elapsed();
    assert!(line.starts_with("1|6|unix|"), "handshake line {line:?}");
    std::thread::sleep(IDLE);
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).expect("status");
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/<pid>/status");
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: kill(2) on our own child.
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
    child.wait().expect("provider exits");
    (handshake, rss)
}

fn median<T: Copy + Ord>(values: &mut [T]) -> T {
    values.sort_unstable();
    values[values.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value_of = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let provider = value_of("--provider");
    let smoke = provider.is_none();
    let provider =
        provider.unwrap_or_else(|| env!("CARGO_BIN_EXE_terraform-provider-centralroot").into());
    let runs: usize = value_of("--runs").map_or(if smoke { 1 } else { 15 }, |r| {
        r.parse().expect("--runs takes a number")
    });
    let cert = terraform_like_cert();
    // One unmeasured start warms the page cache.
    one_run(&provider, &cert);
    let (mut handshakes, mut rss): (Vec<Duration>, Vec<u64>) =
        (0..runs).map(|_| one_run(&provider, &cert)).unzip();
    if smoke {
        return;
    }
    let (min, max) = (
        *handshakes.iter().min().expect("runs"),
        *handshakes.iter().max().expect("runs"),
    );
    let handshake = median(&mut handshakes);
    println!(
        "handshake_ms median={:.2} min={:.2} max={:.2} runs={runs}",
        handshake.as_secs_f64() * 1e3,
        min.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3,
    );
    println!(
        "idle_rss_kib median={} min={} max={} runs={runs}",
        median(&mut rss),
        rss.first().expect("runs"),
        rss.last().expect("runs"),
    );
}
