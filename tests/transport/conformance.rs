//! Starts the real provider binary the way Terraform does and checks the
//! go-plugin transport from the outside: handshake, pinned mTLS, health,
//! Shutdown, signals, plaintext and debug modes.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::*;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use centralroot::plugin::proto::Empty;
use centralroot::plugin::proto::grpc_controller_client::GrpcControllerClient;
use centralroot::tfplugin6;
use centralroot::tfplugin6::provider_client::ProviderClient;
use rustls::pki_types::CertificateDer;
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, BufReader};
use tokio::process::{Child, ChildStdout, Command};
use tonic::transport::Channel;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

/// A provider process started with Terraform's environment.
struct Plugin {
    child: Child,
    stdout: BufReader<ChildStdout>,
    socket: PathBuf,
    server_cert: Option<CertificateDer<'static>>,
    handshake_latency: Duration,
    _dir: tempfile::TempDir,
}

impl Plugin {
    /// Terraform's environment: cookie, versions `5,6`, a client cert, a socket dir.
    fn terraform_env(dir: &Path, identity: &ClientIdentity) -> Vec<(String, String)> {
        vec![
            ("TF_PLUGIN_MAGIC_COOKIE".into(), MAGIC_COOKIE.into()),
            ("PLUGIN_PROTOCOL_VERSIONS".into(), "5,6".into()),
            ("PLUGIN_MIN_PORT".into(), "10000".into()),
            ("PLUGIN_MAX_PORT".into(), "25000".into()),
            ("PLUGIN_CLIENT_CERT".into(), identity.pem.clone()),
            ("PLUGIN_UNIX_SOCKET_DIR".into(), dir.display().to_string()),
        ]
    }

    async fn start(identity: &ClientIdentity) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let env = Self::terraform_env(dir.path(), identity);
        Self::start_with(dir, env).await
    }

    async fn start_with(dir: tempfile::TempDir, env: Vec<(String, String)>) -> Self {
        let started = Instant::now();
        let mut child = spawn(&[], env);
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        tokio::time::timeout(STARTUP, stdout.read_line(&mut line))
            .await
            .expect("no handshake line in time")
            .unwrap();
        let handshake_latency = started.elapsed();
        let line = line
            .strip_suffix('\n')
            .expect("handshake line ends with a newline");
        let parts: Vec<&str> = line.split('|').collect();
        assert_eq!(parts.len(), 6, "handshake line {line:?}");
        assert_eq!(&parts[..3], ["1", "6", "unix"], "handshake line {line:?}");
        assert_eq!(parts[4], "grpc", "handshake line {line:?}");
        let socket = PathBuf::from(parts[3]);
        assert!(
            socket.starts_with(dir.path()),
            "socket {socket:?} outside PLUGIN_UNIX_SOCKET_DIR"
        );
        let server_cert = (!parts[5].is_empty()).then(|| {
            assert!(
                !parts[5].contains('='),
                "certificate must be unpadded base64"
            );
            let der = STANDARD_NO_PAD
                .decode(parts[5])
                .expect("standard base64 without padding");
            assert_eq!(der.first(), Some(&0x30), "certificate is DER");
            CertificateDer::from(der)
        });
        Self {
            child,
            stdout,
            socket,
            server_cert,
            handshake_latency,
            _dir: dir,
        }
    }

    fn pid(&self) -> i32 {
        i32::try_from(self.child.id().unwrap()).unwrap()
    }

    fn signal(&self, signal: i32) {
        // SAFETY: kill(2) on our own child's pid.
        assert_eq!(unsafe { libc::kill(self.pid(), signal) }, 0);
    }

    /// A channel over mTLS presenting `identity` (or no certificate at all).
    async fn tls_channel(
        &self,
        identity: Option<&ClientIdentity>,
    ) -> Result<Channel, tonic::transport::Error> {
        let server_cert = self.server_cert.clone().expect("server sent a certificate");
        connect(
            &self.socket,
            Some(tls_config(server_cert, identity, &[b"h2"])),
        )
        .await
    }

    /// Waits for the process to end and returns its exit code and how long that took.
    async fn wait_exit(&mut self, limit: Duration) -> (Option<i32>, Duration) {
        let started = Instant::now();
        let status = tokio::time::timeout(limit, self.child.wait())
            .await
            .expect("process did not exit in time")
            .unwrap();
        (status.code(), started.elapsed())
    }

    /// Everything written to stdout after the handshake line.
    async fn rest_of_stdout(&mut self) -> String {
        let mut rest = String::new();
        tokio::time::timeout(STARTUP, self.stdout.read_to_string(&mut rest))
            .await
            .unwrap()
            .unwrap();
        rest
    }
}

fn spawn(args: &[&str], env: Vec<(String, String)>) -> Child {
    Command::new(BINARY)
        .args(args)
        .env_clear()
        .envs(env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

async fn health(channel: Channel) -> Result<i32, tonic::Status> {
    let response = HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: "plugin".into(),
        })
        .await?;
    Ok(response.into_inner().status)
}

/// Health over a channel; any failure on the way (connect or call) is an error.
async fn health_over(channel: Result<Channel, tonic::transport::Error>) -> Result<i32, String> {
    let channel = channel.map_err(|e| e.to_string())?;
    tokio::time::timeout(Duration::from_secs(5), health(channel))
        .await
        .map_err(|_| "timed out".to_owned())?
        .map_err(|e| e.to_string())
}

fn vm_rss_kib(pid: i32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[tokio::test]
async fn handshake_health_and_shutdown() {
    let identity = ClientIdentity::terraform_like();
    let mut plugin = Plugin::start(&identity).await;
    let mode = std::fs::metadata(&plugin.socket)
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600, "socket mode {mode:o}");

    tokio::time::sleep(Duration::from_millis(200)).await;
    let idle_rss = vm_rss_kib(plugin.pid());

    let channel = plugin.tls_channel(Some(&identity)).await.unwrap();
    assert_eq!(
        health(channel.clone()).await.unwrap(),
        ServingStatus::Serving as i32
    );
    let served_rss = vm_rss_kib(plugin.pid());
    eprintln!(
        "exec -> handshake: {:.1} ms; VmRSS idle: {idle_rss} KiB, after one mTLS health check: {served_rss} KiB",
        plugin.handshake_latency.as_secs_f64() * 1000.0
    );

    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .unwrap();
    let (code, took) = plugin.wait_exit(Duration::from_secs(2)).await;
    assert_eq!(code, Some(0));
    assert!(took < Duration::from_secs(1), "Shutdown took {took:?}");
    assert_eq!(
        plugin.rest_of_stdout().await,
        "",
        "nothing but the handshake on stdout"
    );
    assert!(!plugin.socket.exists(), "socket file removed at exit");
}

#[tokio::test]
async fn logs_are_hclog_json_lines_on_stderr() {
    let identity = ClientIdentity::terraform_like();
    let dir = tempfile::tempdir().unwrap();
    let mut env = Plugin::terraform_env(dir.path(), &identity);
    env.push(("TF_LOG".into(), "TRACE".into()));
    let mut plugin = Plugin::start_with(dir, env).await;
    let stranger = ClientIdentity::terraform_like();
    assert!(
        health_over(plugin.tls_channel(Some(&stranger)).await)
            .await
            .is_err()
    );
    // The server logs the refusal after sending its alert: give it that moment.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let channel = plugin.tls_channel(Some(&identity)).await.unwrap();
    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .unwrap();
    assert_eq!(plugin.wait_exit(Duration::from_secs(2)).await.0, Some(0));
    assert_eq!(plugin.rest_of_stdout().await, "");

    let mut stderr = String::new();
    plugin
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .await
        .unwrap();
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert!(!lines.is_empty());
    for line in &lines {
        assert!(
            ["trace", "debug", "info", "warn", "error"].contains(&line["@level"].as_str().unwrap()),
            "{line}"
        );
        assert_eq!(line["@module"], "provider.terraform-provider-centralroot");
        // hclog's layout 2006-01-02T15:04:05.000000Z07:00, in UTC.
        let timestamp = line["@timestamp"].as_str().unwrap();
        assert_eq!(timestamp.len(), 27, "{timestamp}");
        assert!(
            timestamp.ends_with('Z') && timestamp.as_bytes()[19] == b'.',
            "{timestamp}"
        );
    }
    let messages: Vec<&str> = lines
        .iter()
        .filter_map(|l| l["@message"].as_str())
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l["@level"] == "warn"
                && l["@message"].as_str().unwrap().contains("TLS handshake")),
        "the refused handshake is logged: {messages:?}"
    );
    assert!(
        messages.contains(&"shutdown requested by the plugin client"),
        "{messages:?}"
    );
}

#[tokio::test]
async fn foreign_client_certificate_is_refused() {
    let identity = ClientIdentity::terraform_like();
    let stranger = ClientIdentity::terraform_like();
    let plugin = Plugin::start(&identity).await;
    let refused = health_over(plugin.tls_channel(Some(&stranger)).await).await;
    assert!(refused.is_err(), "a foreign certificate got {refused:?}");
    // The refusal did not harm the server: the right client still gets in.
    let accepted = health_over(plugin.tls_channel(Some(&identity)).await).await;
    assert_eq!(accepted, Ok(ServingStatus::Serving as i32));
}

#[tokio::test]
async fn client_without_certificate_is_refused() {
    let identity = ClientIdentity::terraform_like();
    let plugin = Plugin::start(&identity).await;
    let refused = health_over(plugin.tls_channel(None).await).await;
    assert!(
        refused.is_err(),
        "a client without certificate got {refused:?}"
    );
    let accepted = health_over(plugin.tls_channel(Some(&identity)).await).await;
    assert_eq!(accepted, Ok(ServingStatus::Serving as i32));
}

#[tokio::test]
async fn without_magic_cookie_it_explains_and_exits_1() {
    let output = spawn(&[], Vec::new()).wait_with_output().await.unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("is a Terraform/OpenTofu plugin"),
        "stderr: {stderr}"
    );
    assert!(
        stderr.contains("run it through terraform"),
        "stderr: {stderr}"
    );
}

#[tokio::test]
async fn protocol_5_alone_is_refused_clearly() {
    let identity = ClientIdentity::terraform_like();
    let dir = tempfile::tempdir().unwrap();
    let mut env = Plugin::terraform_env(dir.path(), &identity);
    env.retain(|(k, _)| k != "PLUGIN_PROTOCOL_VERSIONS");
    env.push(("PLUGIN_PROTOCOL_VERSIONS".into(), "5".into()));
    let output = spawn(&[], env).wait_with_output().await.unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("protocol 6 only"), "stderr: {stderr}");
    assert!(
        stderr.contains("PLUGIN_PROTOCOL_VERSIONS=\"5\""),
        "stderr: {stderr}"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no socket left behind"
    );
}

#[tokio::test]
async fn sigint_is_ignored_and_sigterm_ends_gracefully() {
    let identity = ClientIdentity::terraform_like();
    let mut plugin = Plugin::start(&identity).await;
    plugin.signal(libc::SIGINT);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        plugin.child.try_wait().unwrap().is_none(),
        "SIGINT ended the process"
    );
    let alive = health_over(plugin.tls_channel(Some(&identity)).await).await;
    assert_eq!(alive, Ok(ServingStatus::Serving as i32));
    plugin.signal(libc::SIGTERM);
    let (code, took) = plugin.wait_exit(Duration::from_secs(2)).await;
    assert_eq!(code, Some(0));
    assert!(took < Duration::from_secs(1), "SIGTERM took {took:?}");
    assert!(!plugin.socket.exists());
}

#[tokio::test]
async fn plaintext_when_tls_is_disabled() {
    let dir = tempfile::tempdir().unwrap();
    let env = vec![
        ("TF_PLUGIN_MAGIC_COOKIE".into(), MAGIC_COOKIE.into()),
        ("PLUGIN_PROTOCOL_VERSIONS".into(), "6".into()),
        ("TF_DISABLE_PLUGIN_TLS".into(), "1".into()),
        (
            "PLUGIN_UNIX_SOCKET_DIR".into(),
            dir.path().display().to_string(),
        ),
    ];
    let mut plugin = Plugin::start_with(dir, env).await;
    assert!(plugin.server_cert.is_none(), "no certificate without TLS");
    let channel = connect(&plugin.socket, None).await.unwrap();
    assert_eq!(
        health(channel.clone()).await.unwrap(),
        ServingStatus::Serving as i32
    );
    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .unwrap();
    assert_eq!(plugin.wait_exit(Duration::from_secs(2)).await.0, Some(0));
}

#[tokio::test]
async fn missing_client_certificate_without_opt_out_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let env = vec![
        ("TF_PLUGIN_MAGIC_COOKIE".into(), MAGIC_COOKIE.into()),
        ("PLUGIN_PROTOCOL_VERSIONS".into(), "6".into()),
        (
            "PLUGIN_UNIX_SOCKET_DIR".into(),
            dir.path().display().to_string(),
        ),
    ];
    let output = spawn(&[], env).wait_with_output().await.unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("PLUGIN_CLIENT_CERT"));
}

#[tokio::test]
async fn debug_mode_prints_reattach_providers_and_serves_until_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let env = vec![(
        "PLUGIN_UNIX_SOCKET_DIR".to_owned(),
        dir.path().display().to_string(),
    )];
    let mut child = spawn(&["--debug"], env);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut reattach = None;
    let mut line = String::new();
    while reattach.is_none() {
        line.clear();
        let read = tokio::time::timeout(STARTUP, stdout.read_line(&mut line))
            .await
            .unwrap()
            .unwrap();
        assert!(read > 0, "stdout ended before TF_REATTACH_PROVIDERS");
        reattach = line
            .trim()
            .strip_prefix("TF_REATTACH_PROVIDERS='")
            .and_then(|rest| rest.strip_suffix('\''))
            .map(|json| serde_json::from_str::<serde_json::Value>(json).unwrap());
    }
    let reattach = reattach.unwrap();
    let entry = &reattach["registry.terraform.io/centralroot/centralroot"];
    assert_eq!(entry["Protocol"], "grpc");
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Test"], true);
    assert_eq!(entry["Pid"], child.id().unwrap());
    assert_eq!(entry["Addr"]["Network"], "unix");
    let socket = PathBuf::from(entry["Addr"]["String"].as_str().unwrap());

    let alive = health_over(connect(&socket, None).await).await;
    assert_eq!(alive, Ok(ServingStatus::Serving as i32));

    let pid = i32::try_from(child.id().unwrap()).unwrap();
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let status = tokio::time::timeout(Duration::from_secs(2), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(!socket.exists());
}

/// A provider configuration with every attribute null and every block empty,
/// msgpack-encoded for `block`.
fn null_config(block: &tfplugin6::schema::Block) -> Vec<u8> {
    use tfplugin6::schema::nested_block::NestingMode;
    let mut out = Vec::new();
    let entries = block.attributes.len() + block.block_types.len();
    rmp::encode::write_map_len(&mut out, u32::try_from(entries).unwrap()).unwrap();
    for attribute in &block.attributes {
        rmp::encode::write_str(&mut out, &attribute.name).unwrap();
        rmp::encode::write_nil(&mut out).unwrap();
    }
    for nested in &block.block_types {
        rmp::encode::write_str(&mut out, &nested.type_name).unwrap();
        match nested.nesting() {
            NestingMode::List | NestingMode::Set => {
                rmp::encode::write_array_len(&mut out, 0).unwrap();
            }
            NestingMode::Map => {
                rmp::encode::write_map_len(&mut out, 0).unwrap();
            }
            NestingMode::Single | NestingMode::Group | NestingMode::Invalid => {
                rmp::encode::write_nil(&mut out).unwrap();
            }
        }
    }
    out
}

fn error_summaries(diagnostics: &[tfplugin6::Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.severity() == tfplugin6::diagnostic::Severity::Error)
        .map(|d| format!("{}: {}", d.summary, d.detail))
        .collect()
}

#[tokio::test]
async fn provider_rpcs_over_mtls() {
    let identity = ClientIdentity::terraform_like();
    let mut plugin = Plugin::start(&identity).await;
    let channel = plugin.tls_channel(Some(&identity)).await.unwrap();
    let mut provider = ProviderClient::new(channel.clone())
        .max_decoding_message_size(centralroot::plugin::MAX_MESSAGE_SIZE);

    let schema = provider
        .get_provider_schema(tfplugin6::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(
        error_summaries(&schema.diagnostics).is_empty(),
        "{:?}",
        schema.diagnostics
    );
    let provider_block = schema
        .provider
        .and_then(|s| s.block)
        .expect("the provider has a configuration schema");
    assert!(
        provider_block.attributes.iter().any(|a| a.name == "region"),
        "provider schema has `region`"
    );

    // Unimplemented would also be acceptable to Terraform here, but this
    // provider answers it explicitly.
    let identities = provider
        .get_resource_identity_schemas(tfplugin6::get_resource_identity_schemas::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(error_summaries(&identities.diagnostics).is_empty());

    let config = tfplugin6::DynamicValue {
        msgpack: null_config(&provider_block),
        json: Vec::new(),
    };
    let validated = provider
        .validate_provider_config(tfplugin6::validate_provider_config::Request {
            config: Some(config.clone()),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        error_summaries(&validated.diagnostics).is_empty(),
        "{:?}",
        validated.diagnostics
    );

    let configured = provider
        .configure_provider(tfplugin6::configure_provider::Request {
            terraform_version: "1.15.5".into(),
            config: Some(config),
            client_capabilities: Some(tfplugin6::ClientCapabilities {
                deferral_allowed: true,
                write_only_attributes_allowed: true,
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        error_summaries(&configured.diagnostics).is_empty(),
        "{:?}",
        configured.diagnostics
    );

    let stopped = provider
        .stop_provider(tfplugin6::stop_provider::Request {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stopped.error, "");
    // StopProvider cancels work but does not end the process.
    assert!(plugin.child.try_wait().unwrap().is_none());

    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .unwrap();
    let (code, took) = plugin.wait_exit(Duration::from_secs(2)).await;
    assert_eq!(code, Some(0));
    assert!(took < Duration::from_secs(1), "Shutdown took {took:?}");
    assert_eq!(plugin.rest_of_stdout().await, "");
}
