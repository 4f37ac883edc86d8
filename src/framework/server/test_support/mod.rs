//! The provider every engine test serves, `test`: one data type, [`Lab`], and one set of
//! test types ([`resources`], [`others`]):
//! - `test_thing`: an object kept in the lab, planned like an ordinary resource (a computed
//!   ID kept by `UseStateForUnknown`, a computed ARN that changes on update, a name that
//!   forces replacement, a defaulted and validated mode), with a state upgrade from version 0
//!   and import by ID; no identity, no moves;
//! - `test_slow`: a create or update in two steps that records the first, then blocks,
//!   fails, has its write in flight at StopProvider, or breaks the apply invariants;
//! - `test_member`: a registration with an identity, imported by identity, moved from
//!   hashicorp/aws and listed; its `note` makes it misbehave;
//! - the data source `test_echo`, the ephemeral resource `test_lease`, and the actions
//!   `test_count`, which streams progress then fails or blocks, and `test_write`, whose
//!   write is in flight when StopProvider comes;
//! - the list types `test_member`, and `test_nothing` and `test_thing`, which the engine
//!   refuses to serve (no resource type of that name with an identity).

mod others;
mod resources;

/// The schema of a test type: version 0, `attributes` and no blocks.
fn schema<const N: usize>(attributes: [(&str, Attribute); N]) -> Schema {
    let block = attributes
        .into_iter()
        .fold(Block::new(), |block, (name, attribute)| {
            block.attribute(name, attribute)
        });
    Schema::new(0, block)
}

pub(super) use others::{ANSWERED_AFTER_STOP, NEVER_ANSWERED, RENEW_AT, count, echo, lease, write};
pub(super) use resources::{
    BLOCK, BREAK, FORGET, OTHER, RECORD_THEN_BLOCK, RECORD_THEN_FAIL, WRITE_IN_FLIGHT,
    created_thing, identity, member, member_config, member_identity, proposed, slow, thing,
};

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::Notify;

use super::{Handle, Kind, Server, Types};
use crate::cty::Value;
use crate::framework::action::Action;
use crate::framework::context::Context;
use crate::framework::data_source::DataSource;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::ephemeral_resource::EphemeralResource;
use crate::framework::list_resource::ListResource;
use crate::framework::provider::{ConfigureRequest, ConfigureResponse, Named, Provider};
use crate::framework::resource::{ReadRequest, ReadResponse, Resource};
use crate::framework::schema::{Attribute, Block, Schema};

/// The stop grace of the servers the tests configure: short, so that the changes that
/// never finish end soon.
const SHORT_GRACE: Duration = Duration::from_millis(50);

/// The provider's data: what the types keep, what they are told to do and what they saw.
#[derive(Default)]
pub(super) struct Lab {
    /// What an operation that blocks tells the test.
    pub hang: Arc<Hang>,
    /// The `test_thing` objects, by ID.
    pub things: Mutex<BTreeMap<String, Value>>,
    /// The number of the last `test_thing` created.
    pub created: AtomicU64,
    /// The accounts the `test_member` listing finds.
    pub accounts: Vec<&'static str>,
    /// The listing fails when it reaches this account.
    pub fail_at: Option<usize>,
    /// The listing warns about this account instead of listing it.
    pub warn_at: Option<usize>,
    /// How many results the listing handed over.
    pub pushed: AtomicUsize,
    /// How many times `test_lease` opened.
    pub opens: AtomicUsize,
    /// How many times `test_count` ran.
    pub invokes: AtomicUsize,
}

/// The `test` provider: an empty provider block, every test type, and `lab` as its data.
pub(super) struct TestProvider {
    lab: Arc<Lab>,
}

/// The engine serving [`TestProvider`].
pub(super) type TestServer = Server<TestProvider>;

#[async_trait]
impl Provider for TestProvider {
    type Data = Arc<Lab>;

    fn type_name(&self) -> &'static str {
        "test"
    }

    fn schema(&self) -> Schema {
        Schema::new(0, Block::new())
    }

    async fn configure(&self, _req: ConfigureRequest, resp: &mut ConfigureResponse<Arc<Lab>>) {
        resp.data = Some(Arc::clone(&self.lab));
    }

    fn resources(&self) -> Vec<Named<dyn Resource<Arc<Lab>>>> {
        vec![
            ("test_thing", Arc::new(resources::Thing)),
            ("test_slow", Arc::new(resources::Slow)),
            ("test_member", Arc::new(resources::Member)),
        ]
    }

    fn data_sources(&self) -> Vec<Named<dyn DataSource<Arc<Lab>>>> {
        vec![("test_echo", Arc::new(others::Echo))]
    }

    fn ephemeral_resources(&self) -> Vec<Named<dyn EphemeralResource<Arc<Lab>>>> {
        vec![("test_lease", Arc::new(others::Lease))]
    }

    fn actions(&self) -> Vec<Named<dyn Action<Arc<Lab>>>> {
        vec![
            ("test_count", Arc::new(others::Count)),
            ("test_write", Arc::new(others::Write)),
        ]
    }

    fn list_resources(&self) -> Vec<Named<dyn ListResource<Arc<Lab>>>> {
        vec![
            ("test_member", Arc::new(resources::Members)),
            ("test_nothing", Arc::new(resources::Orphan)),
            ("test_thing", Arc::new(resources::Orphan)),
        ]
    }
}

/// A server of `lab` that was never configured.
pub(super) fn unconfigured(lab: Lab) -> TestServer {
    Server::new(TestProvider { lab: Arc::new(lab) })
}

/// A configured server of `lab` whose changes get [`SHORT_GRACE`] after StopProvider.
pub(super) async fn configured(lab: Lab) -> (Arc<TestServer>, Arc<Lab>) {
    configured_with(lab, SHORT_GRACE).await
}

/// A configured server of `lab` whose changes get `grace` after StopProvider.
pub(super) async fn configured_with(lab: Lab, grace: Duration) -> (Arc<TestServer>, Arc<Lab>) {
    let lab = Arc::new(lab);
    let provider = TestProvider {
        lab: Arc::clone(&lab),
    };
    let server = Arc::new(Server::new(provider).with_stop_grace(grace));
    configure(&server).await;
    (server, lab)
}

/// Configures `server` with an empty provider block; the configuration must succeed and
/// answer the data it built.
async fn configure(server: &TestServer) {
    let resp = server
        .configure_provider(ConfigureRequest {
            config: Value::Object(Default::default()),
            terraform_version: String::new(),
        })
        .await;
    assert_no_diagnostics(&resp.diagnostics);
    assert!(
        resp.data.is_some(),
        "the answer carries the configured data"
    );
}

/// Reads `state` of `type_name`, with `identity` stored.
pub(super) async fn read(
    server: &TestServer,
    type_name: &str,
    state: Value,
    identity: Value,
) -> ReadResponse {
    let resource = served(server.resources(), type_name);
    let req = ReadRequest {
        state,
        private: Vec::new(),
        identity,
    };
    server.read_resource(resource, req).await
}

/// The type named `type_name` among `types`, which the test provider serves.
#[track_caller]
pub(super) fn served<'t, T: Kind + ?Sized>(types: &'t Types<T>, type_name: &str) -> &'t Handle<T> {
    types.get(type_name).expect("served")
}

/// The summaries of `diags`, in order.
pub(super) fn summaries(diags: &Diagnostics) -> Vec<&str> {
    diags.iter().map(|d| d.summary.as_str()).collect()
}

/// Fails the test, showing `diags`, unless there are none.
#[track_caller]
pub(super) fn assert_no_diagnostics(diags: &Diagnostics) {
    assert!(diags.is_empty(), "{diags:?}");
}

/// The detail of the first of `diags`, which must hold one.
#[track_caller]
pub(super) fn first_detail(diags: &Diagnostics) -> &str {
    &diags.iter().next().expect("a diagnostic").detail
}

/// Runs `operation` on `server` in a task of its own, sends StopProvider once the operation
/// told the lab it started, and answers what the operation then returns (within 5 s).
pub(super) async fn stopped_while_running<T, F>(
    server: &Arc<TestServer>,
    lab: &Lab,
    operation: impl FnOnce(Arc<TestServer>) -> F,
) -> T
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let started = lab.hang.started.notified();
    let in_flight = tokio::spawn(operation(Arc::clone(server)));
    tokio::time::timeout(Duration::from_secs(5), started)
        .await
        .expect("the operation started");
    server.stop_provider();
    tokio::time::timeout(Duration::from_secs(5), in_flight)
        .await
        .expect("the interrupted operation returns")
        .expect("no panic")
}

/// What an operation that never ends tells the test.
#[derive(Default)]
pub(super) struct Hang {
    /// The operation is running (for `test_write`: its write is in flight).
    pub started: Notify,
    /// Its cancellation token was cancelled.
    pub cancelled: Notify,
    /// The engine dropped it: it was abandoned.
    pub dropped: Notify,
}

/// Notifies when dropped.
struct OnDrop<'a>(&'a Notify);

impl Drop for OnDrop<'_> {
    fn drop(&mut self) {
        self.0.notify_one();
    }
}

/// Tells the test the operation is running, then waits until the engine drops it, after
/// arranging for the token's cancellation to be reported; the engine does not wait for that
/// report.
pub(super) async fn hang<D: Send + Sync + 'static>(ctx: &Context<D>, signals: &Arc<Hang>) {
    let token = ctx.cancellation().clone();
    let on_cancel = Arc::clone(signals);
    tokio::spawn(async move {
        token.cancelled().await;
        on_cancel.cancelled.notify_one();
    });
    let _abandoned = OnDrop(&signals.dropped);
    signals.started.notify_one();
    std::future::pending::<()>().await;
}
