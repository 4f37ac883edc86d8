//! The other test types of the `test` provider: a data source, an ephemeral resource and
//! actions.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;

use super::{Lab, hang, schema};
use crate::cty::{Type, Value};
use crate::framework::action::{Action, InvokeRequest, InvokeResponse, Progress};
use crate::framework::context::Context;
use crate::framework::data_source::{self, DataSource};
use crate::framework::ephemeral_resource::{
    CloseRequest, CloseResponse, EphemeralResource, OpenRequest, OpenResponse,
};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::values::ValueExt;
use crate::framework::values::test_values::obj;

// ---------------------------------------------------------------- test_echo

/// `test_echo`: a data source that greets its `name`.
pub struct Echo;

/// A `test_echo` value.
pub fn echo(name: Value, greeting: Value) -> Value {
    obj(&[("name", name), ("greeting", greeting)])
}

#[async_trait]
impl DataSource<Arc<Lab>> for Echo {
    fn schema(&self) -> Schema {
        schema([
            ("name", Attribute::required(Type::String)),
            ("greeting", Attribute::computed(Type::String)),
        ])
    }

    async fn read(
        &self,
        _ctx: &Context<Arc<Lab>>,
        req: data_source::ReadRequest,
        resp: &mut data_source::ReadResponse,
    ) {
        let name = req.config.attr("name").as_str().unwrap_or_default();
        let greeting = Value::from(format!("hello {name}"));
        resp.state
            .set_attr("greeting", greeting)
            .expect("an object");
    }
}

// ---------------------------------------------------------------- test_lease

/// When an opened lease asks to be renewed, after the epoch.
pub const RENEW_AT: Duration = Duration::from_secs(1_000);

/// `test_lease`: an ephemeral resource whose `how` picks the behaviour of `open`; `secret` is
/// what it fills in.
pub struct Lease;

/// A `test_lease` configuration.
pub fn lease(how: Value) -> Value {
    Value::Object([("how".to_owned(), how), ("secret".to_owned(), Value::Null)].into())
}

#[async_trait]
impl EphemeralResource<Arc<Lab>> for Lease {
    fn schema(&self) -> Schema {
        schema([
            ("how", Attribute::required(Type::String)),
            ("secret", Attribute::computed(Type::String).sensitive()),
        ])
    }

    /// `how`: "leave unknown", "rewrite" (the configuration), "hold" (never finish), or
    /// anything else to fill in the secret.
    async fn open(&self, ctx: &Context<Arc<Lab>>, req: OpenRequest, resp: &mut OpenResponse) {
        ctx.provider_data().opens.fetch_add(1, Ordering::SeqCst);
        resp.private = b"lease-1".to_vec();
        resp.renew_at = Some(SystemTime::UNIX_EPOCH + RENEW_AT);
        match req.config.attr("how").as_str().unwrap_or_default() {
            "leave unknown" => resp.result.set_attr("secret", Value::unknown()),
            "rewrite" => resp.result.set_attr("how", Value::from("other")),
            "hold" => {
                hang(ctx, &ctx.provider_data().hang).await;
                Ok(())
            }
            _ => resp.result.set_attr("secret", Value::from("s3cr3t")),
        }
        .expect("the result starts as the configuration object");
    }

    async fn close(&self, _ctx: &Context<Arc<Lab>>, req: CloseRequest, resp: &mut CloseResponse) {
        if req.private != b"lease-1" {
            resp.diagnostics
                .error("Unknown Lease", "close got other private data");
        }
    }
}

// ---------------------------------------------------------------- test_count

/// `test_count`: an action that reports `steps` progress lines, then fails if `fail` is set or
/// holds if `hold` is set; it panics when `steps` is negative.
pub struct Count;

/// An invocation of `test_count`.
pub fn count(steps: i64, fail: bool, hold: bool) -> InvokeRequest {
    InvokeRequest {
        config: Value::Object(
            [
                ("steps".to_owned(), Value::from(steps)),
                ("fail".to_owned(), Value::Bool(fail)),
                ("hold".to_owned(), Value::Bool(hold)),
            ]
            .into(),
        ),
    }
}

#[async_trait]
impl Action<Arc<Lab>> for Count {
    fn schema(&self) -> Schema {
        schema([
            ("steps", Attribute::required(Type::Number)),
            ("fail", Attribute::optional(Type::Bool)),
            ("hold", Attribute::optional(Type::Bool)),
        ])
    }

    async fn invoke(
        &self,
        ctx: &Context<Arc<Lab>>,
        req: InvokeRequest,
        progress: &Progress,
        resp: &mut InvokeResponse,
    ) {
        ctx.provider_data().invokes.fetch_add(1, Ordering::SeqCst);
        let steps = req.config.attr("steps").as_i64().unwrap_or_default();
        assert!(steps >= 0, "a negative count");
        for step in 1..=steps {
            progress.send(format!("step {step}")).await;
        }
        resp.diagnostics
            .warning("Counted", format!("{steps} steps"));
        if req.config.attr("fail").as_bool() == Some(true) {
            resp.diagnostics
                .error("Count Failed", "after the last step");
        }
        if req.config.attr("hold").as_bool() == Some(true) {
            hang(ctx, &ctx.provider_data().hang).await;
        }
    }
}

// ---------------------------------------------------------------- test_write

/// `test_write` in this mode gets its answer once StopProvider has come, then reports it.
pub const ANSWERED_AFTER_STOP: &str = "answered after stop";
/// `test_write` in this mode never gets an answer.
pub const NEVER_ANSWERED: &str = "never answered";

/// `test_write`: an action that sends one write, reports it, and waits for the answer as its
/// `mode` says.
pub struct Write;

/// An invocation of `test_write` in `mode`.
pub fn write(mode: &str) -> InvokeRequest {
    InvokeRequest {
        config: Value::Object([("mode".to_owned(), Value::from(mode))].into()),
    }
}

#[async_trait]
impl Action<Arc<Lab>> for Write {
    fn schema(&self) -> Schema {
        schema([("mode", Attribute::required(Type::String))])
    }

    async fn invoke(
        &self,
        ctx: &Context<Arc<Lab>>,
        req: InvokeRequest,
        progress: &Progress,
        resp: &mut InvokeResponse,
    ) {
        let signals = &ctx.provider_data().hang;
        progress.send("write sent").await;
        if req.config.attr("mode").as_str() == Some(ANSWERED_AFTER_STOP) {
            signals.started.notify_one();
            ctx.cancellation().cancelled().await;
            // The answer arrives after the stop: the engine must still be listening.
            tokio::task::yield_now().await;
            progress.send("write done").await;
            resp.diagnostics.warning("Written", "after the stop");
            return;
        }
        hang(ctx, signals).await;
    }
}
