//! The sandbox under abuse: connection floods, slow and idle clients, oversized bodies, web
//! pages aiming at the control plane, unsigned payloads, piles of STS sessions.

use crate::support::*;
use aws_sdk_iam::error::ProvideErrorMetadata;
use centralroot_sandbox::{Limits, Seed, Server, ServerHandle};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Long enough that only a hang reaches it; the assertions never depend on it.
const HANG: Duration = Duration::from_secs(20);

async fn start_with(limits: Limits) -> ServerHandle {
    Server::bind_with_limits("127.0.0.1:0", trusted_seed(), limits)
        .await
        .unwrap()
        .1
}

/// Reads until the peer closes; answers what was read.
async fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    tokio::time::timeout(HANG, stream.read_to_end(&mut received))
        .await
        .expect("the sandbox should have closed the connection")
        .unwrap();
    String::from_utf8_lossy(&received).into_owned()
}

/// Sends `request` as is and answers everything received until the sandbox closes.
async fn raw(addr: SocketAddr, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    read_until_closed(&mut stream).await
}

/// A signed call as the management account, answered within [`HANG`] (`what` says why it must be).
async fn served_within_hang(sandbox: &ServerHandle, what: &str) {
    let call = clients(sandbox, MANAGEMENT)
        .sts
        .get_caller_identity()
        .send();
    let identity = tokio::time::timeout(HANG, call).await.expect(what).unwrap();
    assert_eq!(identity.account(), Some(MANAGEMENT));
}

/// Clients signing with a new `AssumeRole` session `session-N` on member A's role `r`.
async fn role_session(sandbox: &ServerHandle, sts: &aws_sdk_sts::Client, n: usize) -> Clients {
    let out = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{MEMBER_A}:role/r"))
        .role_session_name(format!("session-{n}"))
        .send()
        .await
        .unwrap();
    let issued = out.credentials().unwrap();
    clients_with(
        sandbox,
        &centralroot_sandbox::Credentials {
            access_key_id: issued.access_key_id().to_owned(),
            secret_access_key: issued.secret_access_key().to_owned(),
        },
        Some(issued.session_token()),
    )
}

fn status_of(response: &str) -> u16 {
    response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {response:?}"))
}

fn body_of(response: &str) -> &str {
    response.split_once("\r\n\r\n").map_or("", |(_, body)| body)
}

#[tokio::test]
async fn connections_beyond_the_cap_close_idle_ones_and_signed_requests_are_served() {
    let sandbox = start_with(Limits {
        max_connections: 4,
        header_timeout: Duration::from_secs(3600),
        ..Limits::default()
    })
    .await;
    // Four connections that say nothing, three that send half a request head, slowly.
    let mut idle = Vec::new();
    for n in 0..7 {
        let mut stream = TcpStream::connect(sandbox.addr()).await.unwrap();
        if n >= 4 {
            stream
                .write_all(b"POST / HTTP/1.1\r\nhost: 127.0.0.1\r\n")
                .await
                .unwrap();
        }
        idle.push(stream);
    }
    served_within_hang(
        &sandbox,
        "a signed request is served although idle connections fill the cap",
    )
    .await;
    // Every newcomer beyond the cap closed the oldest idle connection.
    for stream in idle.iter_mut().take(4) {
        assert_eq!(read_until_closed(stream).await, "");
    }
}

#[tokio::test]
async fn slow_headers_idle_keep_alive_and_slow_bodies_are_timed_out() {
    let sandbox = start_with(Limits {
        header_timeout: Duration::from_millis(300),
        body_timeout: Duration::from_millis(300),
        ..Limits::default()
    })
    .await;
    let addr = sandbox.addr();

    let mut slow_head = TcpStream::connect(addr).await.unwrap();
    slow_head
        .write_all(b"POST / HTTP/1.1\r\nhost: 127.0.0.1\r\n")
        .await
        .unwrap();
    assert_eq!(read_until_closed(&mut slow_head).await, "");

    // One answered request, then silence: the idle keep-alive connection is closed.
    let mut keep_alive = TcpStream::connect(addr).await.unwrap();
    keep_alive
        .write_all(format!("GET /_sandbox/faults HTTP/1.1\r\nhost: {addr}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let answered = read_until_closed(&mut keep_alive).await;
    assert_eq!(status_of(&answered), 200, "{answered}");

    // A body announced but not sent gets an AWS-shaped timeout.
    let answered = raw(
        addr,
        &format!(
            "POST / HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 100\r\n\r\nAction=Get"
        ),
    )
    .await;
    assert_eq!(status_of(&answered), 408, "{answered}");
    assert!(
        body_of(&answered).contains("<Code>RequestTimeout</Code>"),
        "{answered}"
    );
}

#[tokio::test]
async fn oversized_bodies_get_aws_shaped_errors() {
    let sandbox = start(trusted_seed()).await;
    let addr = sandbox.addr();
    let too_large = 3 * 1024 * 1024;

    let answered = raw(
        addr,
        &format!(
            "POST / HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: {too_large}\r\n\r\n"
        ),
    )
    .await;
    assert_eq!(status_of(&answered), 413, "{answered}");
    assert!(answered.contains("content-type: text/xml"), "{answered}");
    assert!(
        body_of(&answered).starts_with("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>RequestEntityTooLarge</Code>"),
        "{answered}"
    );

    let answered = raw(
        addr,
        &format!(
            "POST / HTTP/1.1\r\nhost: {addr}\r\nx-amz-target: AWSOrganizationsV20161128.ListAccounts\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {too_large}\r\n\r\n"
        ),
    )
    .await;
    assert_eq!(status_of(&answered), 413, "{answered}");
    let error: Value = serde_json::from_str(body_of(&answered)).unwrap();
    assert_eq!(error["__type"], "RequestEntityTooLarge");

    // Streamed without a length, the limit holds as well.
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            format!(
                "POST / HTTP/1.1\r\nhost: {addr}\r\nx-amz-target: AWSOrganizationsV20161128.ListAccounts\r\ntransfer-encoding: chunked\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let chunk = vec![b' '; 64 * 1024];
    for _ in 0..17 {
        let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
        frame.extend_from_slice(&chunk);
        frame.extend_from_slice(b"\r\n");
        stream.write_all(&frame).await.unwrap();
    }
    let mut head = vec![0; 4096];
    let read = tokio::time::timeout(HANG, stream.read(&mut head))
        .await
        .unwrap()
        .unwrap();
    let answered = String::from_utf8_lossy(&head[..read]).into_owned();
    assert_eq!(status_of(&answered), 413, "{answered}");
    assert!(answered.contains("RequestEntityTooLarge"), "{answered}");

    let answered = raw(
        addr,
        &format!(
            "POST /_sandbox/seed HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {too_large}\r\n\r\n"
        ),
    )
    .await;
    assert_eq!(status_of(&answered), 413, "{answered}");
    let error: Value = serde_json::from_str(body_of(&answered)).unwrap();
    assert!(error["error"].as_str().unwrap().contains("larger than"));
}

/// A control-plane request with the given `Host` and extra header lines.
fn control_request(method: &str, path: &str, host: &str, extra: &str, body: &str) -> String {
    format!(
        "{method} /_sandbox/{path} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\ncontent-length: {}\r\n{extra}\r\n{body}",
        body.len()
    )
}

#[tokio::test]
async fn the_control_plane_refuses_what_a_web_page_can_send() {
    let sandbox = start(trusted_seed()).await;
    let addr = sandbox.addr();
    let port = addr.port();
    let before = control_get(&sandbox, "state").await;
    let empty_seed = json!({"accounts": [{"id": "999999999999"}]}).to_string();
    let faults = json!({"throttle_every": 1}).to_string();
    let json_type = "content-type: application/json\r\n";
    let refused = [
        // DNS rebinding: the page's own name resolves to 127.0.0.1.
        control_request("GET", "state", &format!("evil.example:{port}"), "", ""),
        control_request(
            "POST",
            "seed",
            &format!("evil.example:{port}"),
            json_type,
            &empty_seed,
        ),
        control_request("POST", "reset", "10.1.2.3", "", ""),
        control_request(
            "POST",
            "faults",
            &format!("localhost.evil.example:{port}"),
            json_type,
            &faults,
        ),
        // Cross-site requests carry an Origin.
        control_request(
            "GET",
            "state",
            &addr.to_string(),
            "origin: https://evil.example\r\n",
            "",
        ),
        control_request(
            "POST",
            "seed",
            &addr.to_string(),
            &format!("origin: null\r\n{json_type}"),
            &empty_seed,
        ),
        // A cross-site form or simple request cannot send application/json.
        control_request(
            "POST",
            "seed",
            &addr.to_string(),
            "content-type: text/plain\r\n",
            &empty_seed,
        ),
        control_request("POST", "faults", &addr.to_string(), "", &faults),
    ];
    for request in &refused {
        let answered = raw(addr, request).await;
        assert_eq!(status_of(&answered), 403, "{request}\n{answered}");
        let error: Value = serde_json::from_str(body_of(&answered)).unwrap();
        assert!(error["error"].is_string(), "{answered}");
        assert!(!answered.contains("secret"), "{answered}");
    }
    assert_eq!(
        control_get(&sandbox, "state").await,
        before,
        "nothing changed"
    );
    assert_eq!(
        control_get(&sandbox, "faults").await["config"]["throttle_every"],
        0
    );

    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "[::1]".to_owned(),
    ] {
        let answered = raw(addr, &control_request("GET", "faults", &host, "", "")).await;
        assert_eq!(status_of(&answered), 200, "{host}: {answered}");
    }
    let answered = raw(
        addr,
        &control_request(
            "POST",
            "faults",
            &addr.to_string(),
            "content-type: application/json; charset=utf-8\r\n",
            &faults,
        ),
    )
    .await;
    assert_eq!(status_of(&answered), 200, "{answered}");
    let answered = raw(
        addr,
        &control_request("POST", "requests/reset", "localhost", "", ""),
    )
    .await;
    assert_eq!(
        status_of(&answered),
        200,
        "an empty body needs no type: {answered}"
    );
}

#[tokio::test]
async fn unsigned_payloads_are_refused() {
    let sandbox = start(trusted_seed()).await;
    let credentials = sandbox.credentials(MANAGEMENT).unwrap();
    let unsigned = ("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
    let form = ("content-type", "application/x-www-form-urlencoded");
    let (status, body) = signed_post(
        &sandbox,
        &credentials,
        "sts",
        &[form, unsigned],
        b"Action=GetCallerIdentity&Version=2011-06-15",
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body.contains("<Code>SignatureDoesNotMatch</Code>"),
        "{body}"
    );
    assert!(body.contains("UNSIGNED-PAYLOAD"), "{body}");
    let (status, body) = signed_post(
        &sandbox,
        &credentials,
        "iam",
        &[form, unsigned],
        b"Action=EnableOrganizationsRootSessions&Version=2010-05-08",
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(sandbox.sandbox().snapshot().features.is_empty());
    let (status, body) = signed_post(
        &sandbox,
        &credentials,
        "organizations",
        &[
            (
                "x-amz-target",
                "AWSOrganizationsV20161128.RegisterDelegatedAdministrator",
            ),
            ("content-type", "application/x-amz-json-1.1"),
            unsigned,
        ],
        json!({"AccountId": MEMBER_A, "ServicePrincipal": IAM})
            .to_string()
            .as_bytes(),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let error: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["__type"], "InvalidSignatureException");
    assert!(
        sandbox
            .sandbox()
            .snapshot()
            .delegated_administrators
            .is_empty()
    );
    // The same requests with the body's hash pass.
    let (status, body) = signed_post(
        &sandbox,
        &credentials,
        "sts",
        &[form],
        b"Action=GetCallerIdentity&Version=2011-06-15",
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn sts_sessions_beyond_the_cap_forget_the_oldest() {
    let sandbox = Server::bind_with_limits(
        "127.0.0.1:0",
        Seed::default_seed(),
        Limits {
            max_sessions: 2,
            ..Limits::default()
        },
    )
    .await
    .unwrap()
    .1;
    let sts = clients(&sandbox, MANAGEMENT).sts;
    let mut sessions = Vec::new();
    for n in 0..3 {
        sessions.push(role_session(&sandbox, &sts, n).await);
    }
    let err = sessions[0]
        .sts
        .get_caller_identity()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidClientTokenId"));
    for session in &sessions[1..] {
        let identity = session.sts.get_caller_identity().send().await.unwrap();
        assert_eq!(identity.account(), Some(MEMBER_A));
    }
}

#[tokio::test]
async fn stopping_does_not_wait_for_a_held_answer() {
    let sandbox = start_with(Limits {
        stop_grace: Duration::from_millis(100),
        ..Limits::default()
    })
    .await;
    faults(
        &sandbox,
        json!({"commit_then_timeout_every": 1, "commit_then_timeout_hold_ms": 600_000}),
    )
    .await;
    let sts = clients(&sandbox, MANAGEMENT).sts;
    let held = tokio::spawn(async move { sts.get_caller_identity().send().await });
    // The withheld answer is counted before the hold begins.
    tokio::time::timeout(HANG, async {
        while control_get(&sandbox, "requests").await["operations"]["GetCallerIdentity"]["total"]
            != 1
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the request reaches the sandbox");
    tokio::time::timeout(HANG, sandbox.shutdown())
        .await
        .expect("the held answer does not keep the sandbox from stopping")
        .unwrap();
    assert!(held.await.unwrap().is_err());
}

#[tokio::test]
async fn unknown_operations_and_many_callers_leave_the_counters_bounded() {
    let sandbox = start_with(Limits {
        max_counter_keys: 4,
        ..Limits::default()
    })
    .await;
    let addr = sandbox.addr();
    let credentials = sandbox.credentials(MANAGEMENT).unwrap();
    let form = ("content-type", "application/x-www-form-urlencoded");
    let long = "X".repeat(256 * 1024);
    for n in 0..20 {
        // Unsigned, naming an unknown operation of a quarter MiB: IAM, then Organizations.
        let body = format!("Action={long}{n}&Version=2010-05-08");
        let (status, _, _) = http(
            addr,
            "POST",
            "/",
            &[(form.0, form.1.to_owned())],
            body.as_bytes(),
        )
        .await;
        assert_eq!(status, 403);
        let target = format!("AWSOrganizationsV20161128.{}{n}", &long[..16 * 1024]);
        let json = ("content-type", "application/x-amz-json-1.1".to_owned());
        let (status, _, _) =
            http(addr, "POST", "/", &[("x-amz-target", target), json], b"{}").await;
        assert_eq!(status, 400);
        // Signed, naming an unknown operation.
        let body = format!("Action=NoSuchOperation{n}&Version=2010-05-08");
        let (status, _) =
            signed_post(&sandbox, &credentials, "iam", &[form], body.as_bytes()).await;
        assert_eq!(status, 400);
    }
    let management = clients(&sandbox, MANAGEMENT);
    for _ in 0..3 {
        management.sts.get_caller_identity().send().await.unwrap();
    }
    management.orgs.list_accounts().send().await.unwrap();
    // Ten role sessions, each calling once: more access keys than the counters keep apart.
    for n in 0..10 {
        let session = role_session(&sandbox, &management.sts, n).await;
        session.sts.get_caller_identity().send().await.unwrap();
    }

    let requests = control_get(&sandbox, "requests").await;
    let names: Vec<&String> = requests["operations"].as_object().unwrap().keys().collect();
    assert_eq!(
        names,
        [
            "(unknown operation)",
            "AssumeRole",
            "GetCallerIdentity",
            "ListAccounts"
        ]
    );
    let unknown = &requests["operations"]["(unknown operation)"];
    assert_eq!(unknown["total"], 60);
    assert_eq!(unknown["errors"]["MissingAuthenticationToken"], 20);
    assert_eq!(unknown["errors"]["MissingAuthenticationTokenException"], 20);
    assert_eq!(unknown["errors"]["InvalidAction"], 20);
    // The operations the sandbox serves are counted exactly.
    assert_eq!(requests["operations"]["GetCallerIdentity"]["succeeded"], 13);
    assert_eq!(requests["operations"]["ListAccounts"]["succeeded"], 1);
    assert_eq!(requests["operations"]["AssumeRole"]["succeeded"], 10);
    assert_eq!(requests["total"], 60 + 13 + 1 + 10);
    // Four access keys kept apart (the management key and the first three sessions), the
    // seven other sessions' calls together.
    let keys = requests["access_keys"].as_object().unwrap();
    assert_eq!(keys.len(), 5, "{keys:?}");
    assert_eq!(keys[credentials.access_key_id.as_str()], 20 + 3 + 1 + 10);
    assert_eq!(keys["(other)"], 7);
    assert_eq!(
        keys.values().map(|v| v.as_u64().unwrap()).sum::<u64>(),
        34 + 10
    );
    assert!(
        requests.to_string().len() < 4096,
        "no requested name is kept: {requests}"
    );
}

#[tokio::test]
async fn stalled_bodies_at_the_cap_do_not_keep_a_signed_call_out() {
    // The body timeout is an hour: only closing a stalled connection can make room.
    let sandbox = start_with(Limits {
        max_connections: 8,
        header_timeout: Duration::from_secs(3600),
        body_timeout: Duration::from_secs(3600),
        ..Limits::default()
    })
    .await;
    let addr = sandbox.addr();
    let mut stalled = Vec::new();
    for _ in 0..8 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(
                format!(
                    "POST / HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 100\r\nexpect: 100-continue\r\n\r\n"
                )
                .as_bytes(),
            )
            .await
            .unwrap();
        // "100 Continue" comes once the sandbox waits for the body, which never comes.
        let mut interim = vec![0; 64];
        let read = tokio::time::timeout(HANG, stream.read(&mut interim))
            .await
            .expect("the sandbox asks for the body")
            .unwrap();
        let interim = String::from_utf8_lossy(&interim[..read]).into_owned();
        assert!(interim.starts_with("HTTP/1.1 100 Continue"), "{interim}");
        stalled.push(stream);
    }
    served_within_hang(
        &sandbox,
        "a signed call is served well before the body timeout",
    )
    .await;
    // The connection whose body stalled longest made room: closed without an answer.
    assert_eq!(read_until_closed(&mut stalled[0]).await, "");
}

#[tokio::test]
async fn the_control_plane_refuses_a_secret_a_shell_would_run() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("pwned");
    let sandbox = start(Seed::default_seed()).await;
    let before = control_get(&sandbox, "state").await;
    let seed: serde_json::Value = serde_json::from_str(&seed_running(&marker)).unwrap();
    let (status, body) = control_post(&sandbox, "seed", &seed).await;
    assert_eq!(status, 400, "{body}");
    let error = body["error"].as_str().unwrap();
    assert!(
        error.contains("account 123456789012: secret_access_key may hold only letters"),
        "{error}"
    );
    assert!(!error.contains("touch"), "{error}");
    assert_eq!(control_get(&sandbox, "state").await, before);
}
