//! Engine behaviour that needs a provider: interruption and the configured-data hand-off.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use tokio::sync::Notify;

use super::{ApplyResourceChangeRequest, Server};
use crate::cty::{Type, Value};
use crate::framework::context::Context;
use crate::framework::data_source::DataSource;
use crate::framework::provider::{ConfigureRequest, ConfigureResponse, Provider};
use crate::framework::resource::{
    CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, ReadRequest, ReadResponse,
    Resource, UpdateRequest, UpdateResponse,
};
use crate::framework::schema::{Attribute, Block, Schema};

/// Provider data: tells the test when the slow operation started and whether it saw the
/// cancellation.
#[derive(Default)]
struct Probe {
    started: Notify,
    saw_cancel: Notify,
}

struct SlowProvider(Arc<Probe>);

struct Slow;

#[async_trait]
impl Provider for SlowProvider {
    type Data = Arc<Probe>;

    fn type_name(&self) -> &'static str {
        "slow"
    }

    fn schema(&self) -> Schema {
        Schema::new(0, Block::new())
    }

    async fn configure(&self, _req: ConfigureRequest, resp: &mut ConfigureResponse<Arc<Probe>>) {
        resp.data = Some(Arc::clone(&self.0));
    }

    fn resources(&self) -> Vec<Arc<dyn Resource<Arc<Probe>>>> {
        vec![Arc::new(Slow)]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource<Arc<Probe>>>> {
        Vec::new()
    }
}

#[async_trait]
impl Resource<Arc<Probe>> for Slow {
    fn type_name(&self) -> &'static str {
        "slow_thing"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new().attribute("id", Attribute::computed(Type::String)),
        )
    }

    async fn create(
        &self,
        ctx: &Context<Arc<Probe>>,
        _req: CreateRequest,
        _resp: &mut CreateResponse,
    ) {
        let probe = ctx.provider_data_arc();
        let token = ctx.cancellation().clone();
        // A well-behaved resource notices the cancellation (e.g. to log); the engine does
        // not wait for it.
        tokio::spawn(async move {
            token.cancelled().await;
            probe.saw_cancel.notify_one();
        });
        ctx.provider_data().started.notify_one();
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }

    async fn read(&self, _ctx: &Context<Arc<Probe>>, _req: ReadRequest, _resp: &mut ReadResponse) {}

    async fn update(
        &self,
        _ctx: &Context<Arc<Probe>>,
        _req: UpdateRequest,
        _resp: &mut UpdateResponse,
    ) {
    }

    async fn delete(
        &self,
        _ctx: &Context<Arc<Probe>>,
        _req: DeleteRequest,
        _resp: &mut DeleteResponse,
    ) {
    }
}

async fn configured() -> (Arc<Server<SlowProvider>>, Arc<Probe>) {
    let probe = Arc::new(Probe::default());
    let server = Arc::new(Server::new(SlowProvider(Arc::clone(&probe))));
    let diags = server
        .configure_provider(ConfigureRequest {
            config: Value::Object(Default::default()),
            terraform_version: String::new(),
        })
        .await;
    assert!(diags.is_empty());
    (server, probe)
}

fn create_request() -> ApplyResourceChangeRequest {
    ApplyResourceChangeRequest {
        prior_state: Value::Null,
        planned_state: Value::Object([("id".to_owned(), Value::unknown())].into()),
        config: Value::Object([("id".to_owned(), Value::Null)].into()),
        planned_private: Vec::new(),
    }
}

#[tokio::test]
async fn stop_interrupts_an_operation_in_flight_promptly() {
    let (server, probe) = configured().await;
    let started = probe.started.notified();
    let in_flight = {
        let server = Arc::clone(&server);
        tokio::spawn(async move {
            let t = Instant::now();
            let resp = server
                .apply_resource_change("slow_thing", create_request())
                .await;
            (resp, t.elapsed())
        })
    };
    tokio::time::timeout(Duration::from_secs(5), started)
        .await
        .expect("create started");
    let saw_cancel = probe.saw_cancel.notified();
    server.stop_provider();
    let (resp, elapsed) = tokio::time::timeout(Duration::from_secs(2), in_flight)
        .await
        .expect("returns promptly")
        .expect("no panic");
    assert!(elapsed < Duration::from_secs(2));
    let summaries: Vec<_> = resp
        .diagnostics
        .iter()
        .map(|d| d.summary.as_str())
        .collect();
    assert_eq!(summaries, ["Operation interrupted"]);
    assert!(resp.diagnostics.has_errors());
    assert_eq!(resp.new_state, Value::Null, "prior state kept");
    tokio::time::timeout(Duration::from_secs(2), saw_cancel)
        .await
        .expect("the resource's token was cancelled");
}

#[tokio::test]
async fn operations_after_a_stop_get_a_fresh_token() {
    let (server, _probe) = configured().await;
    server.stop_provider();
    let ctx = server.context().expect("configured");
    assert!(!ctx.is_cancelled());
}

#[tokio::test]
async fn unconfigured_operations_fail_with_a_diagnostic() {
    let server = Server::new(SlowProvider(Arc::default()));
    let resp = server
        .apply_resource_change("slow_thing", create_request())
        .await;
    let summaries: Vec<_> = resp
        .diagnostics
        .iter()
        .map(|d| d.summary.as_str())
        .collect();
    assert_eq!(summaries, ["Provider Not Configured"]);
}
