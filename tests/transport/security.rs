//! Transport security of the real provider binary, started the way Terraform starts it: only the
//! client holding the certificate from `PLUGIN_CLIENT_CERT`, over TLS with ALPN `h2`, gets in; the
//! socket is private to our user; nothing listens on TCP; and SIGTERM still ends a provider whose
//! parent blocked it (Terraform 1.15 embedded in Python starts its plugins that way).
//!
//! `conformance` covers the happy path; this file is about what must be refused.

use crate::support::*;
use std::ffi::CString;
use std::io;
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use rustls::ClientConfig;
use rustls::pki_types::CertificateDer;
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::UnixStream;
use tokio::process::{Child, Command};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

/// The uid of `nobody` on Linux distributions.
const NOBODY: u32 = 65534;

/// The provider process, after its handshake line.
struct Plugin {
    child: Child,
    socket: PathBuf,
    server_cert: CertificateDer<'static>,
    dir: tempfile::TempDir,
}

impl Plugin {
    /// Starts the provider trusting `identity`; `block_sigterm` starts it with SIGTERM blocked in
    /// its inherited signal mask.
    async fn start(identity: &ClientIdentity, block_sigterm: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        // World-searchable, so the socket's own mode is all that keeps other users out.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut command = Command::new(BINARY);
        command
            .env_clear()
            .env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE)
            .env("PLUGIN_PROTOCOL_VERSIONS", "6")
            .env("PLUGIN_CLIENT_CERT", &identity.pem)
            .env("PLUGIN_UNIX_SOCKET_DIR", dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        if block_sigterm {
            // SAFETY: the closure only calls async-signal-safe libc functions on stack memory.
            unsafe {
                command.pre_exec(|| block_signal(libc::SIGTERM));
            }
        }
        let mut child = command.spawn().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        tokio::time::timeout(STARTUP, stdout.read_line(&mut line))
            .await
            .expect("no handshake line in time")
            .unwrap();
        let parts: Vec<&str> = line.trim_end().split('|').collect();
        assert_eq!(parts.len(), 6, "handshake line {line:?}");
        assert_eq!(parts[2], "unix", "handshake line {line:?}");
        let server_cert = CertificateDer::from(STANDARD_NO_PAD.decode(parts[5]).unwrap());
        Self {
            child,
            socket: PathBuf::from(parts[3]),
            server_cert,
            dir,
        }
    }

    fn pid(&self) -> i32 {
        i32::try_from(self.child.id().unwrap()).unwrap()
    }

    /// Health over a channel made with `tls` (plaintext when `None`).
    async fn health(&self, tls: Option<Arc<ClientConfig>>) -> Result<i32, String> {
        let channel = connect(&self.socket, tls)
            .await
            .map_err(|e| e.to_string())?;
        let mut client = HealthClient::new(channel);
        let call = client.check(HealthCheckRequest {
            service: "plugin".into(),
        });
        match tokio::time::timeout(Duration::from_secs(5), call).await {
            Ok(Ok(response)) => Ok(response.into_inner().status),
            Ok(Err(status)) => Err(status.to_string()),
            Err(_) => Err("timed out".into()),
        }
    }

    /// A client configuration presenting `identity` and offering `alpn`.
    fn tls(&self, identity: Option<&ClientIdentity>, alpn: &[&[u8]]) -> Arc<ClientConfig> {
        tls_config(self.server_cert.clone(), identity, alpn)
    }

    /// Asserts that the right client still gets in, so a refusal was about the client.
    async fn assert_serving(&self, identity: &ClientIdentity) {
        let accepted = self.health(Some(self.tls(Some(identity), &[b"h2"]))).await;
        assert_eq!(accepted, Ok(ServingStatus::Serving as i32));
    }
}

/// Blocks `signal` in the calling thread's mask (which `exec` keeps).
fn block_signal(signal: i32) -> io::Result<()> {
    // SAFETY: sigset_t is plain data initialised by sigemptyset before use.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, signal);
        if libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

#[tokio::test]
async fn only_the_pinned_certificate_over_tls_with_h2_gets_in() {
    let identity = ClientIdentity::terraform_like();
    let plugin = Plugin::start(&identity, false).await;

    let stranger = ClientIdentity::terraform_like();
    let foreign = plugin
        .health(Some(plugin.tls(Some(&stranger), &[b"h2"])))
        .await;
    assert!(foreign.is_err(), "a foreign certificate got {foreign:?}");

    let anonymous = plugin.health(Some(plugin.tls(None, &[b"h2"]))).await;
    assert!(anonymous.is_err(), "no certificate got {anonymous:?}");

    let plaintext = plugin.health(None).await;
    assert!(plaintext.is_err(), "a plaintext client got {plaintext:?}");

    let http1 = plugin
        .health(Some(plugin.tls(Some(&identity), &[b"http/1.1"])))
        .await;
    assert!(http1.is_err(), "ALPN http/1.1 only got {http1:?}");

    plugin.assert_serving(&identity).await;
}

#[tokio::test]
async fn tls_client_without_alpn_is_refused() {
    // grpc-go (what Terraform's plugins are built on) refuses TLS without ALPN h2 on both
    // sides; a client that offers no ALPN at all must be refused as well, not served HTTP/2.
    let identity = ClientIdentity::terraform_like();
    let plugin = Plugin::start(&identity, false).await;
    let no_alpn = plugin.health(Some(plugin.tls(Some(&identity), &[]))).await;
    assert!(
        no_alpn.is_err(),
        "a TLS client without ALPN got {no_alpn:?}"
    );
    plugin.assert_serving(&identity).await;
}

#[tokio::test]
async fn plaintext_http2_preface_gets_no_answer() {
    // A raw HTTP/2 client that skips TLS: the server must not speak HTTP/2 back (it reads the
    // preface as a broken TLS record and closes).
    let identity = ClientIdentity::terraform_like();
    let plugin = Plugin::start(&identity, false).await;
    let mut stream = UnixStream::connect(&plugin.socket).await.unwrap();
    stream
        .write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .expect("the server closes a plaintext connection");
    // Either a reset or a TLS alert (content type 21): never an HTTP/2 SETTINGS frame.
    if read.is_ok() && !answer.is_empty() {
        assert_eq!(answer[0], 21, "plaintext answer {answer:02x?}");
    }
    plugin.assert_serving(&identity).await;
}

#[tokio::test]
async fn socket_is_private_to_our_user() {
    let identity = ClientIdentity::terraform_like();
    let plugin = Plugin::start(&identity, false).await;
    let meta = std::fs::metadata(&plugin.socket).unwrap();
    assert_eq!(meta.mode() & 0o777, 0o600, "socket mode {:o}", meta.mode());
    // SAFETY: geteuid/getegid have no preconditions.
    let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    assert_eq!(meta.uid(), uid);
    assert_eq!(meta.gid(), gid);
    assert!(plugin.socket.starts_with(plugin.dir.path()));

    // Root ignores file modes, so a real stranger is needed: a child that becomes `nobody` and
    // dials the socket before exec; a refusal surfaces as the spawn error.
    if uid == 0 {
        let refused = connect_as(NOBODY, &plugin.socket);
        assert_eq!(
            refused.as_ref().map_err(io::Error::raw_os_error),
            Err(Some(libc::EACCES)),
            "user nobody dialing the socket: {refused:?}"
        );
        // The probe itself works: nobody can dial a socket that is open to everyone.
        let open = tempfile::tempdir().unwrap();
        std::fs::set_permissions(open.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let public = open.path().join("public.sock");
        let _listener = std::os::unix::net::UnixListener::bind(&public).unwrap();
        std::fs::set_permissions(&public, std::fs::Permissions::from_mode(0o777)).unwrap();
        connect_as(NOBODY, &public).expect("nobody can dial a 0777 socket");
    } else {
        eprintln!("not root: the socket mode is checked, dialing as another user is not");
    }
    plugin.assert_serving(&identity).await;
}

/// Runs `/bin/true` as `uid`, after dialing `socket` as that user; the dial's error is returned.
fn connect_as(uid: u32, socket: &Path) -> io::Result<()> {
    let path = CString::new(socket.as_os_str().as_bytes()).unwrap();
    // SAFETY: sockaddr_un is plain data; the path fits (checked below) and stays NUL-terminated.
    let mut address: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    address.sun_family = libc::AF_UNIX as libc::sa_family_t;
    let bytes = path.as_bytes_with_nul();
    assert!(
        bytes.len() <= address.sun_path.len(),
        "socket path too long"
    );
    for (slot, byte) in address.sun_path.iter_mut().zip(bytes) {
        *slot = *byte as libc::c_char;
    }
    let mut command = std::process::Command::new("/bin/true");
    command.uid(uid).gid(uid).stdin(Stdio::null());
    // SAFETY: after fork, the closure calls only socket/connect/close on memory prepared before
    // the fork; it runs after the uid change.
    unsafe {
        command.pre_exec(move || {
            let fd = libc::socket(libc::AF_UNIX, libc::SOCK_STREAM, 0);
            if fd < 0 {
                return Err(io::Error::last_os_error());
            }
            let length = std::mem::size_of::<libc::sockaddr_un>() as libc::socklen_t;
            let dialed = libc::connect(fd, (&raw const address).cast(), length);
            let error = io::Error::last_os_error();
            libc::close(fd);
            if dialed == 0 { Ok(()) } else { Err(error) }
        });
    }
    let status = command.status()?;
    assert!(status.success());
    Ok(())
}

/// The inodes of every socket the process has open.
fn socket_inodes(pid: i32) -> Vec<u64> {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .filter_map(|entry| std::fs::read_link(entry.ok()?.path()).ok())
        .filter_map(|target| {
            let target = target.to_string_lossy().into_owned();
            target
                .strip_prefix("socket:[")?
                .strip_suffix(']')?
                .parse()
                .ok()
        })
        .collect()
}

/// The inodes listed in a `/proc/<pid>/net/{tcp,tcp6,udp,udp6,unix}` table.
fn table_inodes(pid: i32, table: &str) -> Vec<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/net/{table}")).unwrap_or_default();
    // The inode is column 10 of the inet tables and column 7 of the unix table.
    let column = if table == "unix" { 6 } else { 9 };
    text.lines()
        .skip(1)
        .filter_map(|line| line.split_whitespace().nth(column)?.parse().ok())
        .collect()
}

#[tokio::test]
async fn no_tcp_or_udp_socket_at_all() {
    let identity = ClientIdentity::terraform_like();
    let plugin = Plugin::start(&identity, false).await;
    // After serving a client too, so lazily created sockets would show.
    plugin.assert_serving(&identity).await;
    let pid = plugin.pid();
    let own = socket_inodes(pid);
    let unix = table_inodes(pid, "unix");
    assert!(
        own.iter().any(|inode| unix.contains(inode)),
        "the listening unix socket is among the process's sockets {own:?}: the check sees sockets"
    );
    for table in ["tcp", "tcp6", "udp", "udp6"] {
        let inet = table_inodes(pid, table);
        let served: Vec<&u64> = own.iter().filter(|inode| inet.contains(inode)).collect();
        assert!(
            served.is_empty(),
            "the provider has {table} sockets {served:?}"
        );
    }
}

#[tokio::test]
async fn sigterm_ends_the_provider_even_when_the_parent_blocked_it() {
    // The harness's probe of the inherited mask: a plain child shows SIGTERM blocked.
    let mut probe = std::process::Command::new("/bin/sleep");
    probe.arg("5").stdin(Stdio::null());
    // SAFETY: the closure only calls async-signal-safe libc functions on stack memory.
    unsafe {
        probe.pre_exec(|| block_signal(libc::SIGTERM));
    }
    let mut probe = probe.spawn().unwrap();
    let blocked = signal_mask(i32::try_from(probe.id()).unwrap(), "SigBlk");
    probe.kill().unwrap();
    probe.wait().unwrap();
    let sigterm_bit = 1u64 << (libc::SIGTERM - 1);
    assert_ne!(blocked & sigterm_bit, 0, "the probe inherited the mask");

    let identity = ClientIdentity::terraform_like();
    let mut plugin = Plugin::start(&identity, true).await;
    let pid = plugin.pid();
    assert_eq!(
        signal_mask(pid, "SigBlk") & sigterm_bit,
        0,
        "the provider cleared the inherited mask"
    );
    assert_ne!(
        signal_mask(pid, "SigIgn") & (1u64 << (libc::SIGINT - 1)),
        0,
        "the provider ignores SIGINT"
    );
    // SAFETY: kill(2) on our own child.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let started = Instant::now();
    let status = tokio::time::timeout(Duration::from_secs(5), plugin.child.wait())
        .await
        .expect("SIGTERM ended the provider")
        .unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(!plugin.socket.exists(), "socket removed on SIGTERM");
}

/// A signal mask line (`SigBlk`, `SigIgn`) of `/proc/<pid>/status`.
fn signal_mask(pid: i32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let value = status
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{field}:")))
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"));
    u64::from_str_radix(value.trim(), 16).unwrap()
}
