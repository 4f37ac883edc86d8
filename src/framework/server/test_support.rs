//! What the engine tests share: a provider serving whatever types a test hands it, and an
//! operation that never ends by itself.

use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::Notify;

use super::Server;
use crate::cty::Value;
use crate::framework::action::Action;
use crate::framework::context::Context;
use crate::framework::data_source::DataSource;
use crate::framework::ephemeral_resource::EphemeralResource;
use crate::framework::list_resource::ListResource;
use crate::framework::provider::{ConfigureRequest, ConfigureResponse, Provider};
use crate::framework::resource::Resource;
use crate::framework::schema::{Block, Schema};

/// A provider with an empty provider block whose configured data is `data`.
pub(super) struct TestProvider<D> {
    pub name: &'static str,
    pub data: Arc<D>,
    pub resources: Vec<Arc<dyn Resource<Arc<D>>>>,
    pub ephemeral_resources: Vec<Arc<dyn EphemeralResource<Arc<D>>>>,
    pub actions: Vec<Arc<dyn Action<Arc<D>>>>,
    pub list_resources: Vec<Arc<dyn ListResource<Arc<D>>>>,
}

impl<D> TestProvider<D> {
    /// A provider named `name` serving no types yet.
    pub fn new(name: &'static str, data: Arc<D>) -> Self {
        Self {
            name,
            data,
            resources: Vec::new(),
            ephemeral_resources: Vec::new(),
            actions: Vec::new(),
            list_resources: Vec::new(),
        }
    }
}

#[async_trait]
impl<D: Send + Sync + 'static> Provider for TestProvider<D> {
    type Data = Arc<D>;

    fn type_name(&self) -> &'static str {
        self.name
    }

    fn schema(&self) -> Schema {
        Schema::new(0, Block::new())
    }

    async fn configure(&self, _req: ConfigureRequest, resp: &mut ConfigureResponse<Arc<D>>) {
        resp.data = Some(Arc::clone(&self.data));
    }

    fn resources(&self) -> Vec<Arc<dyn Resource<Arc<D>>>> {
        self.resources.clone()
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource<Arc<D>>>> {
        Vec::new()
    }

    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource<Arc<D>>>> {
        self.ephemeral_resources.clone()
    }

    fn actions(&self) -> Vec<Arc<dyn Action<Arc<D>>>> {
        self.actions.clone()
    }

    fn list_resources(&self) -> Vec<Arc<dyn ListResource<Arc<D>>>> {
        self.list_resources.clone()
    }
}

/// Configures `server` with an empty provider block; the configuration must succeed.
pub(super) async fn configure<P: Provider>(server: &Server<P>) -> ConfigureResponse<Arc<P::Data>> {
    let resp = server
        .configure_provider(ConfigureRequest {
            config: Value::Object(Default::default()),
            terraform_version: String::new(),
        })
        .await;
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    resp
}

/// What an operation that never ends tells the test.
#[derive(Default)]
pub(super) struct Hang {
    /// The operation is running.
    pub started: Notify,
    /// Its cancellation token was cancelled.
    pub cancelled: Notify,
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
    signals.started.notify_one();
    std::future::pending::<()>().await;
}
