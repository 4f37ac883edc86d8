//! OpenEphemeralResource: the checks on an opened result, the refusal of unknown
//! configuration, and interruption.

use std::sync::atomic::Ordering;
use std::time::SystemTime;

use crate::cty::{AttributePath, Value};
use crate::framework::ephemeral_resource::{OpenRequest, OpenResponse};
use crate::framework::server::test_support::{
    Lab, RENEW_AT, TestServer, assert_no_diagnostics, configured, lease, served,
    stopped_while_running, summaries,
};
use crate::framework::values::ValueExt;

async fn open(server: &TestServer, how: Value) -> OpenResponse {
    let handle = served(server.ephemeral_resources(), "test_lease");
    server
        .open_ephemeral_resource(handle, OpenRequest { config: lease(how) })
        .await
}

#[tokio::test]
async fn open_answers_the_filled_result_renewal_and_private_data() {
    let (server, _) = configured(Lab::default()).await;
    let resp = open(&server, Value::from("plain")).await;
    assert_no_diagnostics(&resp.diagnostics);
    assert_eq!(resp.result.attr("secret"), &Value::from("s3cr3t"));
    assert_eq!(resp.renew_at, Some(SystemTime::UNIX_EPOCH + RENEW_AT));
    assert_eq!(resp.private, b"lease-1");
}

#[tokio::test]
async fn open_refuses_unknown_configuration_without_calling_the_type() {
    let (server, lab) = configured(Lab::default()).await;
    let resp = open(&server, Value::unknown()).await;
    assert_eq!(
        summaries(&resp.diagnostics),
        ["Unknown Configuration Value"]
    );
    assert_eq!(
        resp.diagnostics.iter().next().unwrap().attribute,
        Some(AttributePath::root("how"))
    );
    assert_eq!(lab.opens.load(Ordering::SeqCst), 0);
    assert_eq!(resp.result, Value::Null);
}

#[tokio::test]
async fn a_result_with_unknowns_or_a_rewritten_configuration_is_refused() {
    let (server, _) = configured(Lab::default()).await;
    for (how, summary, path) in [
        ("leave unknown", "Unknown Value After Open", "secret"),
        ("rewrite", "Opened Value Differs From Configuration", "how"),
    ] {
        let resp = open(&server, Value::from(how)).await;
        assert_eq!(summaries(&resp.diagnostics), [summary], "{how}");
        assert_eq!(
            resp.diagnostics.iter().next().unwrap().attribute,
            Some(AttributePath::root(path)),
            "{how}"
        );
        assert_eq!(
            (resp.result, resp.renew_at, resp.private),
            (Value::Null, None, Vec::new()),
            "{how}: nothing for Terraform to register, renew or close"
        );
    }
}

#[tokio::test]
async fn stop_interrupts_an_open() {
    let (server, lab) = configured(Lab::default()).await;
    let cancelled = lab.hang.cancelled.notified();
    let resp = stopped_while_running(&server, &lab, |server| async move {
        open(&server, Value::from("hold")).await
    })
    .await;
    assert_eq!(summaries(&resp.diagnostics), ["Operation interrupted"]);
    assert_eq!(resp.result, Value::Null);
    cancelled.await;
}
