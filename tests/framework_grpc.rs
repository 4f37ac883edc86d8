//! The tfplugin6 gRPC service driven in-process over loopback with the generated client:
//! the real provider block, and a test-only resource exercising the engine end to end
//! (create, read, update, replace, destroy, import, upgrade, stop, identity, moves,
//! generated configuration, listing) with real msgpack values.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use centralroot::cty::{self, Type, Value};
use centralroot::framework::action::Action;
use centralroot::framework::context::Context;
use centralroot::framework::data_source::{self, DataSource};
use centralroot::framework::diagnostics::Diagnostics;
use centralroot::framework::ephemeral_resource::EphemeralResource;
use centralroot::framework::list_resource::{
    ListRequest, ListResource, ListResponse, ListResult, ListResults,
};
use centralroot::framework::plan_modifiers::{RequiresReplace, UseStateForUnknown};
use centralroot::framework::provider::{ConfigureRequest, ConfigureResponse, Provider};
use centralroot::framework::resource::{
    CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, ImportStateRequest,
    ImportStateResponse, MoveSource, MoveStateRequest, MoveStateResponse, ReadRequest,
    ReadResponse, Resource, UpdateRequest, UpdateResponse, UpgradeStateRequest,
    UpgradeStateResponse, import_id_into,
};
use centralroot::framework::schema::{Attribute, Block, IdentityAttribute, IdentitySchema, Schema};
use centralroot::framework::server::{STOP_GRACE, Server};
use centralroot::framework::validators::StringOneOf;
use centralroot::framework::values::ValueExt;
use centralroot::provider::CentralRootProvider;
use centralroot::tfplugin6::provider_client::ProviderClient;
use centralroot::tfplugin6::{self as pb, grpc_service_for};
use tokio::sync::Notify;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::transport::Channel;

#[path = "framework_grpc/ephemeral_actions.rs"]
mod ephemeral_actions;

// ---------------------------------------------------------------- test provider

/// The "cloud" the test resource manages.
#[derive(Default)]
struct Store {
    things: Mutex<HashMap<String, BTreeMap<String, Value>>>,
    next_id: AtomicU64,
    slow_started: Notify,
}

#[derive(Clone, Default)]
struct TestProvider {
    store: Arc<Store>,
}

#[async_trait]
impl Provider for TestProvider {
    type Data = Arc<Store>;

    fn type_name(&self) -> &'static str {
        "test"
    }

    fn schema(&self) -> Schema {
        Schema::new(0, Block::new())
    }

    async fn configure(&self, _req: ConfigureRequest, resp: &mut ConfigureResponse<Arc<Store>>) {
        resp.data = Some(Arc::clone(&self.store));
    }

    fn resources(&self) -> Vec<Arc<dyn Resource<Arc<Store>>>> {
        vec![Arc::new(Thing), Arc::new(Broken), Arc::new(Stepwise)]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource<Arc<Store>>>> {
        vec![Arc::new(Echo)]
    }

    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource<Arc<Store>>>> {
        vec![Arc::new(ephemeral_actions::Token)]
    }

    fn actions(&self) -> Vec<Arc<dyn Action<Arc<Store>>>> {
        vec![Arc::new(ephemeral_actions::Countdown)]
    }

    fn list_resources(&self) -> Vec<Arc<dyn ListResource<Arc<Store>>>> {
        vec![Arc::new(Things)]
    }
}

/// `test_echo`: greets its name.
struct Echo;

fn echo_type() -> Type {
    Type::object([("name", Type::String), ("greeting", Type::String)])
}

#[async_trait]
impl DataSource<Arc<Store>> for Echo {
    fn type_name(&self) -> &'static str {
        "test_echo"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .attribute("name", Attribute::required(Type::String))
                .attribute("greeting", Attribute::computed(Type::String)),
        )
    }

    async fn read(
        &self,
        _ctx: &Context<Arc<Store>>,
        req: data_source::ReadRequest,
        resp: &mut data_source::ReadResponse,
    ) {
        let name = req
            .config
            .attr("name")
            .as_str()
            .unwrap_or_default()
            .to_owned();
        resp.state
            .set_attr("greeting", Value::from(format!("hello {name}")))
            .expect("an object");
    }
}

/// `test_thing`: computed id and arn, a replacing name, an in-place note, a defaulted mode.
struct Thing;

fn thing_schema() -> Schema {
    Schema::new(
        1,
        Block::new()
            .attribute(
                "id",
                Attribute::computed(Type::String)
                    .description("ID")
                    .plan_modifier(UseStateForUnknown),
            )
            .attribute(
                "arn",
                Attribute::computed(Type::String).description("changes on update"),
            )
            .attribute(
                "name",
                Attribute::required(Type::String)
                    .description("name")
                    .plan_modifier(RequiresReplace),
            )
            .attribute(
                "note",
                Attribute::optional(Type::String).description("note"),
            )
            .attribute(
                "mode",
                Attribute::optional(Type::String)
                    .default_value(Value::from("standard"))
                    .validator(StringOneOf::new(["standard", "adaptive"])),
            )
            .attribute(
                "slow",
                Attribute::optional(Type::Bool).description("create hangs"),
            ),
    )
}

fn arn(name: &str, version: u64) -> Value {
    Value::from(format!("arn:test:{name}:{version}"))
}

#[async_trait]
impl Resource<Arc<Store>> for Thing {
    fn type_name(&self) -> &'static str {
        "test_thing"
    }

    fn schema(&self) -> Schema {
        thing_schema()
    }

    async fn create(
        &self,
        ctx: &Context<Arc<Store>>,
        req: CreateRequest,
        resp: &mut CreateResponse,
    ) {
        let store = ctx.provider_data();
        if req.planned_state.attr("slow").as_bool() == Some(true) {
            store.slow_started.notify_one();
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        let n = store.next_id.fetch_add(1, Ordering::SeqCst) + 1;
        let mut state = req.planned_state;
        let id = format!("thing-{n}");
        state
            .set_attr("id", Value::from(id.as_str()))
            .expect("an object");
        state
            .set_attr(
                "arn",
                arn(state.attr("name").as_str().unwrap_or_default(), 1),
            )
            .expect("an object");
        if let Value::Object(attrs) = &state {
            store.things.lock().unwrap().insert(id, attrs.clone());
        }
        resp.state = state;
    }

    async fn read(&self, ctx: &Context<Arc<Store>>, req: ReadRequest, resp: &mut ReadResponse) {
        let id = req.state.attr("id").as_str().unwrap_or_default().to_owned();
        resp.state = match ctx.provider_data().things.lock().unwrap().get(&id) {
            Some(attrs) => Value::Object(attrs.clone()),
            None => Value::Null,
        };
    }

    async fn update(
        &self,
        ctx: &Context<Arc<Store>>,
        req: UpdateRequest,
        resp: &mut UpdateResponse,
    ) {
        let version = req
            .prior_state
            .attr("arn")
            .as_str()
            .and_then(|a| a.rsplit(':').next()?.parse::<u64>().ok());
        let name = req
            .planned_state
            .attr("name")
            .as_str()
            .unwrap_or_default()
            .to_owned();
        resp.state = req.planned_state;
        resp.state
            .set_attr("arn", arn(&name, version.unwrap_or(0) + 1))
            .expect("an object");
        let id = resp
            .state
            .attr("id")
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if let Value::Object(attrs) = &resp.state {
            ctx.provider_data()
                .things
                .lock()
                .unwrap()
                .insert(id, attrs.clone());
        }
    }

    async fn delete(
        &self,
        ctx: &Context<Arc<Store>>,
        req: DeleteRequest,
        _resp: &mut DeleteResponse,
    ) {
        let id = req.state.attr("id").as_str().unwrap_or_default().to_owned();
        ctx.provider_data().things.lock().unwrap().remove(&id);
    }

    /// The identity is the `id`, read from the state by the engine.
    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(IdentitySchema::new(0).attribute(
            "id",
            IdentityAttribute::required_for_import(Type::String).description("The thing's ID."),
        ))
    }

    fn moved_from(&self) -> Vec<MoveSource> {
        vec![MoveSource {
            provider: "hashicorp/aws",
            type_name: "aws_thing",
        }]
    }

    /// `aws_thing` calls the name `title`.
    async fn move_state(&self, req: MoveStateRequest, resp: &mut MoveStateResponse) {
        let text = |name: &str| req.source_state.get(name).and_then(|v| v.as_str());
        let (Some(id), Some(title)) = (text("id"), text("title")) else {
            resp.diagnostics
                .error("Unreadable aws_thing", "id and title are required");
            return;
        };
        resp.state = thing(&[
            ("id", Value::from(id)),
            ("name", Value::from(title)),
            ("arn", arn(title, 1)),
            ("mode", Value::from("standard")),
        ]);
    }

    /// By identity the engine has written the `id` into the state already.
    async fn import_state(
        &self,
        _ctx: &Context<Arc<Store>>,
        req: ImportStateRequest,
        resp: &mut ImportStateResponse,
    ) {
        if req.by_identity() {
            return;
        }
        if !req.id.starts_with("thing-") {
            resp.diagnostics
                .error("Invalid Import ID", "expected thing-N");
            return;
        }
        import_id_into("id", &req, resp);
    }

    /// Version 0 called the name `title`.
    async fn upgrade_state(&self, req: UpgradeStateRequest, resp: &mut UpgradeStateResponse) {
        let mut raw = req.raw_state;
        if let Some(obj) = raw.as_object_mut()
            && let Some(title) = obj.remove("title")
        {
            obj.insert("name".into(), title);
        }
        match cty::json::decode_lenient(raw.to_string().as_bytes(), &thing_schema().value_type()) {
            Ok(state) => resp.state = state,
            Err(e) => resp.diagnostics.error("Bad v0 state", e.to_string()),
        }
    }
}

/// The `test_thing` listing: every thing in the store, by id; a `name_prefix` of `"fail"`
/// fails after the first result.
struct Things;

#[async_trait]
impl ListResource<Arc<Store>> for Things {
    fn type_name(&self) -> &'static str {
        "test_thing"
    }

    fn config_schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new().attribute("name_prefix", Attribute::optional(Type::String)),
        )
    }

    async fn list(
        &self,
        ctx: &Context<Arc<Store>>,
        req: ListRequest,
        results: &ListResults,
        resp: &mut ListResponse,
    ) {
        let fail = req.config.attr("name_prefix").as_str() == Some("fail");
        let mut things: Vec<_> = ctx
            .provider_data()
            .things
            .lock()
            .unwrap()
            .values()
            .cloned()
            .collect();
        things.sort_by_key(|attrs| attrs["id"].as_str().unwrap_or_default().to_owned());
        for (i, attrs) in things.into_iter().enumerate() {
            if fail && i == 1 {
                resp.diagnostics
                    .error("Listing failed", "the second page was refused");
                return;
            }
            let result = ListResult {
                identity: Value::Null,
                display_name: attrs["name"].as_str().unwrap_or_default().to_owned(),
                resource_object: Value::Object(attrs),
            };
            if !results.push(result).await {
                return;
            }
        }
    }
}

/// `test_broken`: stores a value other than the planned one.
struct Broken;

#[async_trait]
impl Resource<Arc<Store>> for Broken {
    fn type_name(&self) -> &'static str {
        "test_broken"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .attribute("id", Attribute::computed(Type::String))
                .attribute("name", Attribute::required(Type::String)),
        )
    }

    async fn create(
        &self,
        _ctx: &Context<Arc<Store>>,
        req: CreateRequest,
        resp: &mut CreateResponse,
    ) {
        let mut state = req.planned_state;
        state
            .set_attr("name", Value::from("not what was planned"))
            .expect("an object");
        resp.state = state; // id left unknown as well
    }

    async fn read(&self, _ctx: &Context<Arc<Store>>, _req: ReadRequest, _resp: &mut ReadResponse) {}

    async fn update(
        &self,
        _ctx: &Context<Arc<Store>>,
        _req: UpdateRequest,
        _resp: &mut UpdateResponse,
    ) {
    }

    async fn delete(
        &self,
        _ctx: &Context<Arc<Store>>,
        _req: DeleteRequest,
        _resp: &mut DeleteResponse,
    ) {
    }
}

/// `test_stepwise`: a create or update in two remote steps that records the first in its
/// response, then blocks (`step = "block"`, past any stop grace), fails (`step = "fail"`) or
/// has its second step in flight when StopProvider comes (`step = "in flight"`: it completes
/// after the stop and records `progress = "done"`).
struct Stepwise;

fn stepwise_type() -> Type {
    Type::object([
        ("id", Type::String),
        ("step", Type::String),
        ("progress", Type::String),
    ])
}

fn stepwise(id: Value, step: &str, progress: Value) -> Value {
    Value::Object(
        [
            ("id".to_owned(), id),
            ("step".to_owned(), Value::from(step)),
            ("progress".to_owned(), progress),
        ]
        .into(),
    )
}

impl Stepwise {
    async fn second_step(
        ctx: &Context<Arc<Store>>,
        step: &str,
        state: &mut Value,
        diags: &mut Diagnostics,
    ) {
        if step == "fail" {
            diags.error("Second step failed", "after the first step was done");
            return;
        }
        ctx.provider_data().slow_started.notify_one();
        if step == "in flight" {
            ctx.cancellation().cancelled().await;
            tokio::task::yield_now().await;
            state
                .set_attr("progress", Value::from("done"))
                .expect("an object");
            return;
        }
        std::future::pending::<()>().await;
    }
}

#[async_trait]
impl Resource<Arc<Store>> for Stepwise {
    fn type_name(&self) -> &'static str {
        "test_stepwise"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .attribute("id", Attribute::computed(Type::String))
                .attribute("step", Attribute::required(Type::String))
                .attribute("progress", Attribute::computed(Type::String)),
        )
    }

    /// The first step creates the object: its id is known, `progress` still unknown.
    async fn create(
        &self,
        ctx: &Context<Arc<Store>>,
        req: CreateRequest,
        resp: &mut CreateResponse,
    ) {
        let step = req
            .planned_state
            .attr("step")
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let mut state = req.planned_state;
        state
            .set_attr("id", Value::from("step-1"))
            .expect("an object");
        resp.state = state;
        Self::second_step(ctx, &step, &mut resp.state, &mut resp.diagnostics).await;
    }

    async fn read(&self, _ctx: &Context<Arc<Store>>, _req: ReadRequest, _resp: &mut ReadResponse) {}

    /// The first step is recorded on the prior state the response starts as.
    async fn update(
        &self,
        ctx: &Context<Arc<Store>>,
        req: UpdateRequest,
        resp: &mut UpdateResponse,
    ) {
        let step = req.planned_state.attr("step").as_str().unwrap_or_default();
        resp.state
            .set_attr("progress", Value::from("half"))
            .expect("an object");
        Self::second_step(ctx, step, &mut resp.state, &mut resp.diagnostics).await;
    }

    async fn delete(
        &self,
        _ctx: &Context<Arc<Store>>,
        _req: DeleteRequest,
        _resp: &mut DeleteResponse,
    ) {
    }
}

// ---------------------------------------------------------------- harness

/// The stop grace of the served engines: short, so that the operations that block past it
/// end soon.
const SHORT_GRACE: Duration = Duration::from_millis(50);

/// Serves `provider` with [`SHORT_GRACE`].
async fn serve<P: Provider>(provider: P) -> ProviderClient<Channel> {
    serve_engine(Server::new(provider).with_stop_grace(SHORT_GRACE)).await
}

async fn serve_engine<P: Provider>(server: Server<P>) -> ProviderClient<Channel> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        tonic::transport::Server::builder()
            .add_service(grpc_service_for(server))
            .serve_with_incoming(TcpListenerStream::new(listener))
            .await
            .unwrap();
    });
    ProviderClient::connect(format!("http://{addr}"))
        .await
        .unwrap()
        .max_decoding_message_size(256 << 20)
}

fn thing_type() -> Type {
    thing_schema().value_type()
}

fn dv(value: &Value) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: cty::msgpack::encode(value, &thing_type()).unwrap(),
        json: Vec::new(),
    })
}

fn un_dv(dv: Option<pb::DynamicValue>) -> Value {
    cty::msgpack::decode(&dv.expect("a value").msgpack, &thing_type()).unwrap()
}

fn thing(pairs: &[(&str, Value)]) -> Value {
    let mut v = thing_schema().empty_value();
    for (k, val) in pairs {
        v.set_attr(k, val.clone()).expect("an object");
    }
    v
}

fn summaries(diags: &[pb::Diagnostic]) -> Vec<String> {
    diags.iter().map(|d| d.summary.clone()).collect()
}

fn error_paths(diags: &[pb::Diagnostic]) -> Vec<Vec<String>> {
    use pb::attribute_path::step::Selector;
    diags
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .map(|d| {
            d.attribute
                .iter()
                .flat_map(|a| &a.steps)
                .map(|s| match s.selector.as_ref().unwrap() {
                    Selector::AttributeName(n) => n.clone(),
                    Selector::ElementKeyString(k) => format!("[{k:?}]"),
                    Selector::ElementKeyInt(i) => format!("[{i}]"),
                })
                .collect()
        })
        .collect()
}

async fn configured(provider: TestProvider) -> ProviderClient<Channel> {
    configure(serve(provider).await).await
}

async fn configure(mut client: ProviderClient<Channel>) -> ProviderClient<Channel> {
    let resp = client
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.15.5".into(),
            config: Some(pb::DynamicValue {
                msgpack: cty::msgpack::encode(
                    &Value::Object(BTreeMap::new()),
                    &Type::object::<&str>([]),
                )
                .unwrap(),
                json: Vec::new(),
            }),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    client
}

/// What Terraform proposes: config, with prior values for computed attributes left null.
fn proposed(config: &Value, prior: &Value) -> Value {
    let mut p = config.clone();
    if !prior.is_null() {
        for name in ["id", "arn", "mode"] {
            if config.attr(name).is_null() {
                p.set_attr(name, prior.attr(name).clone())
                    .expect("an object");
            }
        }
    }
    p
}

async fn plan(
    client: &mut ProviderClient<Channel>,
    prior: &Value,
    config: &Value,
) -> pb::plan_resource_change::Response {
    let proposed = if config.is_null() {
        Value::Null
    } else {
        proposed(config, prior)
    };
    client
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: "test_thing".into(),
            prior_state: dv(prior),
            proposed_new_state: dv(&proposed),
            config: dv(config),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
}

async fn apply(
    client: &mut ProviderClient<Channel>,
    prior: &Value,
    planned: &Value,
    config: &Value,
) -> pb::apply_resource_change::Response {
    client
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: "test_thing".into(),
            prior_state: dv(prior),
            planned_state: dv(planned),
            config: dv(config),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
}

// ---------------------------------------------------------------- the provider block

#[tokio::test]
async fn provider_schema_over_grpc() {
    let mut client = serve(CentralRootProvider).await;
    let resp = client
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics.is_empty());
    let caps = resp.server_capabilities.unwrap();
    assert!(caps.get_provider_schema_optional);
    assert!(caps.plan_destroy);
    let block = resp.provider.unwrap().block.unwrap();
    let attr = |name: &str| {
        block
            .attributes
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert_eq!(attr("region").r#type, b"\"string\"");
    assert!(attr("region").optional && !attr("region").required);
    assert!(!attr("region").description.is_empty());
    assert_eq!(attr("shared_config_files").r#type, br#"["list","string"]"#);
    assert_eq!(attr("max_retries").r#type, b"\"number\"");
    assert!(attr("secret_key").sensitive);
    assert!(attr("token").sensitive);
    assert!(!attr("access_key").sensitive);
    for name in ["assume_role", "endpoints"] {
        let nb = block
            .block_types
            .iter()
            .find(|b| b.type_name == name)
            .unwrap();
        assert_eq!(
            nb.nesting,
            pb::schema::nested_block::NestingMode::List as i32
        );
        assert_eq!(nb.max_items, 1);
        assert!(!nb.block.as_ref().unwrap().description.is_empty());
    }
    let ar = block
        .block_types
        .iter()
        .find(|b| b.type_name == "assume_role")
        .unwrap();
    let role_arn = ar
        .block
        .as_ref()
        .unwrap()
        .attributes
        .iter()
        .find(|a| a.name == "role_arn")
        .unwrap();
    assert!(role_arn.required);
    // The schemas served are exactly the provider's resource types, each fully described.
    let provider = centralroot::provider::CentralRootProvider;
    let mut expected: Vec<&str> = centralroot::framework::provider::Provider::resources(&provider)
        .iter()
        .map(|r| r.type_name())
        .collect();
    expected.sort_unstable();
    let mut served: Vec<&str> = resp.resource_schemas.keys().map(String::as_str).collect();
    served.sort_unstable();
    assert_eq!(served, expected);
    for (name, schema) in &resp.resource_schemas {
        let block = schema.block.as_ref().unwrap();
        assert!(!block.description.is_empty(), "{name} has no description");
        for attr in &block.attributes {
            assert!(
                !attr.description.is_empty(),
                "{name}.{} has no description",
                attr.name
            );
        }
    }

    let data_sources: Vec<&str> = resp
        .data_source_schemas
        .keys()
        .map(String::as_str)
        .collect();
    assert!(
        data_sources.contains(&"centralroot_caller_identity"),
        "{data_sources:?}"
    );
    let session = resp.ephemeral_resource_schemas["centralroot_root_session"]
        .block
        .as_ref()
        .unwrap();
    let sensitive: Vec<&str> = session
        .attributes
        .iter()
        .filter(|a| a.sensitive)
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(sensitive, ["secret_access_key", "session_token"]);

    let ids = client
        .get_resource_identity_schemas(pb::get_resource_identity_schemas::Request {})
        .await
        .expect("never Unimplemented")
        .into_inner();
    assert!(ids.diagnostics.is_empty(), "{:?}", ids.diagnostics);
    for name in ids.identity_schemas.keys() {
        assert!(
            resp.resource_schemas.contains_key(name),
            "identity schema for unknown type {name}"
        );
    }
}

fn provider_config(pairs: &[(&str, Value)]) -> Value {
    let mut v = centralroot::provider::schema::provider_schema().empty_value();
    for (k, val) in pairs {
        v.set_attr(k, val.clone()).expect("an object");
    }
    v
}

fn provider_dv(v: &Value) -> Option<pb::DynamicValue> {
    let ty = centralroot::provider::schema::provider_schema().value_type();
    Some(pb::DynamicValue {
        msgpack: cty::msgpack::encode(v, &ty).unwrap(),
        json: Vec::new(),
    })
}

#[tokio::test]
async fn root_session_config_is_validated_on_the_attribute_at_fault() {
    let mut client = serve(CentralRootProvider).await;
    let ty = Provider::ephemeral_resources(&CentralRootProvider)
        .iter()
        .find(|e| e.type_name() == "centralroot_root_session")
        .expect("served")
        .schema()
        .value_type();
    let session = |account: &str, policy: &str, duration: Value| {
        let value = Value::Object(
            [
                ("account_id", Value::from(account)),
                ("task_policy", Value::from(policy)),
                ("duration", duration),
                ("access_key_id", Value::Null),
                ("secret_access_key", Value::Null),
                ("session_token", Value::Null),
                ("expiration", Value::Null),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
        );
        pb::validate_ephemeral_resource_config::Request {
            type_name: "centralroot_root_session".into(),
            config: Some(pb::DynamicValue {
                msgpack: cty::msgpack::encode(&value, &ty).unwrap(),
                json: Vec::new(),
            }),
        }
    };
    let audit = "IAMAuditRootUserCredentials";
    let cases = [
        (session("222222222222", audit, Value::Null), vec![]),
        (session("222222222222", audit, Value::from("900s")), vec![]),
        (session("222222222222", audit, Value::unknown()), vec![]),
        (
            session("2222", audit, Value::from("5m")),
            vec![vec!["account_id".to_owned()]],
        ),
        (
            session("222222222222", "AuditRootUserCredentials", Value::Null),
            vec![vec!["task_policy".to_owned()]],
        ),
        (
            session("222222222222", audit, Value::from("16m")),
            vec![vec!["duration".to_owned()]],
        ),
    ];
    for (request, expected) in cases {
        let config = request.config.clone();
        let resp = client
            .validate_ephemeral_resource_config(request)
            .await
            .unwrap()
            .into_inner();
        assert_eq!(error_paths(&resp.diagnostics), expected, "{config:?}");
        if let Some(diag) = resp.diagnostics.first()
            && error_paths(&resp.diagnostics) == [["task_policy"]]
        {
            assert!(
                diag.detail
                    .contains("Did you mean \"IAMAuditRootUserCredentials\"?"),
                "{}",
                diag.detail
            );
        }
    }
}

#[tokio::test]
async fn validate_and_configure_provider_over_grpc() {
    let mut client = serve(CentralRootProvider).await;
    let good = provider_config(&[
        ("region", Value::from("us-east-1")),
        ("access_key", Value::from("AKID")),
        ("secret_key", Value::from("SECRET")),
    ]);
    let resp = client
        .validate_provider_config(pb::validate_provider_config::Request {
            config: provider_dv(&good),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);

    let bad = provider_config(&[
        ("region", Value::from("nowhere")),
        ("retry_mode", Value::from("legacy")),
    ]);
    let resp = client
        .validate_provider_config(pb::validate_provider_config::Request {
            config: provider_dv(&bad),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        error_paths(&resp.diagnostics),
        vec![vec!["region".to_owned()], vec!["retry_mode".to_owned()]]
    );

    // JSON is accepted when msgpack is empty.
    let resp = client
        .validate_provider_config(pb::validate_provider_config::Request {
            config: Some(pb::DynamicValue {
                msgpack: Vec::new(),
                json: br#"{"max_retries": 99}"#.to_vec(),
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        error_paths(&resp.diagnostics),
        vec![vec!["max_retries".to_owned()]]
    );

    let resp = client
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.15.5".into(),
            config: provider_dv(&good),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
}

// ---------------------------------------------------------------- the engine end to end

#[tokio::test]
async fn lifecycle_create_noop_update_replace_destroy() {
    let provider = TestProvider::default();
    let mut client = configured(provider.clone()).await;

    // validate: bad mode on its path, missing name
    let resp = client
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "test_thing".into(),
            config: dv(&thing(&[("mode", Value::from("fast"))])),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        error_paths(&resp.diagnostics),
        vec![vec!["mode".to_owned()], vec!["name".to_owned()]]
    );

    // create
    let config = thing(&[("name", Value::from("a")), ("note", Value::from("n1"))]);
    let p = plan(&mut client, &Value::Null, &config).await;
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let planned = un_dv(p.planned_state);
    assert!(planned.attr("id").is_unknown() && planned.attr("arn").is_unknown());
    assert_eq!(planned.attr("mode"), &Value::from("standard"));
    assert!(p.requires_replace.is_empty());
    let a = apply(&mut client, &Value::Null, &planned, &config).await;
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
    let state = un_dv(a.new_state);
    assert_eq!(state.attr("id"), &Value::from("thing-1"));
    assert_eq!(state.attr("arn"), &Value::from("arn:test:a:1"));
    assert!(state.is_wholly_known());

    // read
    let r = client
        .read_resource(pb::read_resource::Request {
            type_name: "test_thing".into(),
            current_state: dv(&state),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty());
    assert_eq!(un_dv(r.new_state), state);

    // no-op: planned equals prior
    let p = plan(&mut client, &state, &config).await;
    assert_eq!(un_dv(p.planned_state), state);
    assert!(p.requires_replace.is_empty());

    // in-place update: id kept (UseStateForUnknown), arn unknown
    let config2 = thing(&[("name", Value::from("a")), ("note", Value::from("n2"))]);
    let p = plan(&mut client, &state, &config2).await;
    let planned = un_dv(p.planned_state);
    assert_eq!(planned.attr("id"), &Value::from("thing-1"));
    assert!(planned.attr("arn").is_unknown());
    assert!(p.requires_replace.is_empty());
    let a = apply(&mut client, &state, &planned, &config2).await;
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
    let state2 = un_dv(a.new_state);
    assert_eq!(state2.attr("arn"), &Value::from("arn:test:a:2"));
    assert_eq!(state2.attr("note"), &Value::from("n2"));

    // replacement when the name changes
    let config3 = thing(&[("name", Value::from("b"))]);
    let p = plan(&mut client, &state2, &config3).await;
    assert_eq!(p.requires_replace.len(), 1);
    assert_eq!(
        error_paths(&[pb::Diagnostic {
            severity: 1,
            attribute: Some(p.requires_replace[0].clone()),
            ..Default::default()
        }]),
        vec![vec!["name".to_owned()]]
    );

    // destroy plan passes through, apply deletes
    let p = plan(&mut client, &state2, &Value::Null).await;
    assert!(p.diagnostics.is_empty());
    assert_eq!(un_dv(p.planned_state), Value::Null);
    let a = apply(&mut client, &state2, &Value::Null, &Value::Null).await;
    assert!(a.diagnostics.is_empty());
    assert_eq!(un_dv(a.new_state), Value::Null);
    assert!(provider.store.things.lock().unwrap().is_empty());

    // reading a deleted object removes it from state
    let r = client
        .read_resource(pb::read_resource::Request {
            type_name: "test_thing".into(),
            current_state: dv(&state2),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(un_dv(r.new_state), Value::Null);
}

#[tokio::test]
async fn import_then_read() {
    let provider = TestProvider::default();
    let mut client = configured(provider.clone()).await;
    let config = thing(&[("name", Value::from("imported"))]);
    let p = plan(&mut client, &Value::Null, &config).await;
    let a = apply(&mut client, &Value::Null, &un_dv(p.planned_state), &config).await;
    let created = un_dv(a.new_state);

    let resp = client
        .import_resource_state(pb::import_resource_state::Request {
            type_name: "test_thing".into(),
            id: "thing-1".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(resp.imported_resources.len(), 1);
    let imported = un_dv(resp.imported_resources[0].state.clone());
    assert_eq!(imported, thing(&[("id", Value::from("thing-1"))]));
    let r = client
        .read_resource(pb::read_resource::Request {
            type_name: "test_thing".into(),
            current_state: dv(&imported),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(un_dv(r.new_state), created);

    let bad = client
        .import_resource_state(pb::import_resource_state::Request {
            type_name: "test_thing".into(),
            id: "nope".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(bad.imported_resources.is_empty());
    assert_eq!(summaries(&bad.diagnostics), vec!["Invalid Import ID"]);
}

#[tokio::test]
async fn upgrade_resource_state_reencodes_raw_json() {
    let mut client = configured(TestProvider::default()).await;
    let upgrade = |version: i64, json: &str| pb::upgrade_resource_state::Request {
        type_name: "test_thing".into(),
        version,
        raw_state: Some(pb::RawState {
            json: json.as_bytes().to_vec(),
            flatmap: HashMap::new(),
        }),
    };
    // current version: unknown attribute dropped, missing ones null
    let resp = client
        .upgrade_resource_state(upgrade(
            1,
            r#"{"id":"thing-7","name":"a","gone":"x","mode":"standard"}"#,
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(
        un_dv(resp.upgraded_state),
        thing(&[
            ("id", Value::from("thing-7")),
            ("name", Value::from("a")),
            ("mode", Value::from("standard"))
        ])
    );
    // older version: the resource's upgrader renames title → name
    let resp = client
        .upgrade_resource_state(upgrade(0, r#"{"id":"thing-7","title":"old"}"#))
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(un_dv(resp.upgraded_state).attr("name"), &Value::from("old"));
    // newer version: error
    let resp = client
        .upgrade_resource_state(upgrade(2, "{}"))
        .await
        .unwrap()
        .into_inner();
    assert!(resp.upgraded_state.is_none());
    assert_eq!(
        summaries(&resp.diagnostics),
        vec!["Unable to Upgrade Resource State"]
    );
}

#[tokio::test]
async fn apply_invariants_become_diagnostics() {
    let mut client = configured(TestProvider::default()).await;
    let ty = Type::object([("id", Type::String), ("name", Type::String)]);
    let enc = |v: &Value| {
        Some(pb::DynamicValue {
            msgpack: cty::msgpack::encode(v, &ty).unwrap(),
            json: Vec::new(),
        })
    };
    let config = Value::Object(
        [
            ("id".into(), Value::Null),
            ("name".into(), Value::from("x")),
        ]
        .into(),
    );
    let planned = Value::Object(
        [
            ("id".into(), Value::unknown()),
            ("name".into(), Value::from("x")),
        ]
        .into(),
    );
    let resp = client
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: "test_broken".into(),
            prior_state: enc(&Value::Null),
            planned_state: enc(&planned),
            config: enc(&config),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let mut got = summaries(&resp.diagnostics);
    got.sort();
    assert_eq!(
        got,
        vec![
            "Applied Value Differs From Plan",
            "Unknown Value After Create"
        ]
    );
    let state = cty::msgpack::decode(&resp.new_state.unwrap().msgpack, &ty).unwrap();
    assert!(
        state.is_wholly_known(),
        "no unknown reaches Terraform: {state:?}"
    );
}

#[tokio::test]
async fn stop_provider_interrupts_in_flight_work() {
    let provider = TestProvider::default();
    let mut client = configured(provider.clone()).await;
    let config = thing(&[("name", Value::from("slow")), ("slow", Value::Bool(true))]);
    let p = plan(&mut client, &Value::Null, &config).await;
    let planned = un_dv(p.planned_state);

    let mut apply_client = client.clone();
    let started = provider.store.slow_started.notified();
    let in_flight = tokio::spawn(async move {
        let t = Instant::now();
        let resp = apply(&mut apply_client, &Value::Null, &planned, &config).await;
        (resp, t.elapsed())
    });
    tokio::time::timeout(Duration::from_secs(10), started)
        .await
        .expect("create started");
    let stop = client
        .stop_provider(pb::stop_provider::Request {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stop.error, "");
    let (resp, elapsed) = tokio::time::timeout(Duration::from_secs(5), in_flight)
        .await
        .expect("the interrupted RPC returns promptly")
        .unwrap();
    assert!(elapsed < Duration::from_secs(5));
    assert_eq!(summaries(&resp.diagnostics), vec!["Operation interrupted"]);
    assert_eq!(un_dv(resp.new_state), Value::Null);

    // the provider stays usable after the stop
    let ok = plan(
        &mut client,
        &Value::Null,
        &thing(&[("name", Value::from("after"))]),
    )
    .await;
    assert!(ok.diagnostics.is_empty(), "{:?}", ok.diagnostics);
}

async fn apply_stepwise(
    client: &mut ProviderClient<Channel>,
    prior: &Value,
    planned: &Value,
) -> pb::apply_resource_change::Response {
    let enc = |v: &Value| {
        Some(pb::DynamicValue {
            msgpack: cty::msgpack::encode(v, &stepwise_type()).unwrap(),
            json: Vec::new(),
        })
    };
    let mut config = planned.clone();
    config.set_attr("id", Value::Null).expect("an object");
    config.set_attr("progress", Value::Null).expect("an object");
    client
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: "test_stepwise".into(),
            prior_state: enc(prior),
            planned_state: enc(planned),
            config: enc(&config),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
}

fn stepwise_state(resp: pb::apply_resource_change::Response) -> Value {
    cty::msgpack::decode(&resp.new_state.expect("a state").msgpack, &stepwise_type()).unwrap()
}

#[tokio::test]
async fn an_interrupted_create_answers_with_what_it_recorded() {
    let provider = TestProvider::default();
    let mut client = configured(provider.clone()).await;
    let planned = stepwise(Value::unknown(), "block", Value::unknown());
    let mut apply_client = client.clone();
    let started = provider.store.slow_started.notified();
    let in_flight =
        tokio::spawn(
            async move { apply_stepwise(&mut apply_client, &Value::Null, &planned).await },
        );
    tokio::time::timeout(Duration::from_secs(10), started)
        .await
        .expect("the second step started");
    client
        .stop_provider(pb::stop_provider::Request {})
        .await
        .unwrap();
    let resp = tokio::time::timeout(Duration::from_secs(10), in_flight)
        .await
        .expect("the interrupted RPC returns")
        .unwrap();
    assert_eq!(summaries(&resp.diagnostics), vec!["Operation interrupted"]);
    assert_eq!(
        stepwise_state(resp),
        stepwise(Value::from("step-1"), "block", Value::Null),
        "the created object is in the answer, its unknown progress null"
    );
}

#[tokio::test]
async fn a_create_with_a_step_in_flight_at_the_stop_finishes_without_error() {
    let provider = TestProvider::default();
    let mut client = configure(serve_engine(Server::new(provider.clone())).await).await;
    let planned = stepwise(Value::unknown(), "in flight", Value::unknown());
    let mut apply_client = client.clone();
    let started = provider.store.slow_started.notified();
    let in_flight =
        tokio::spawn(
            async move { apply_stepwise(&mut apply_client, &Value::Null, &planned).await },
        );
    tokio::time::timeout(Duration::from_secs(10), started)
        .await
        .expect("the second step started");
    client
        .stop_provider(pb::stop_provider::Request {})
        .await
        .unwrap();
    let resp = tokio::time::timeout(STOP_GRACE * 2, in_flight)
        .await
        .expect("the RPC returns")
        .unwrap();
    assert!(
        resp.diagnostics.is_empty(),
        "a change that finished within the grace is no error: {:?}",
        resp.diagnostics
    );
    assert_eq!(
        stepwise_state(resp),
        stepwise(Value::from("step-1"), "in flight", Value::from("done")),
        "both steps are in the answer"
    );
}

#[tokio::test]
async fn a_failed_update_answers_with_what_it_recorded() {
    let mut client = configured(TestProvider::default()).await;
    let prior = stepwise(Value::from("step-1"), "before", Value::from("done"));
    let planned = stepwise(Value::from("step-1"), "fail", Value::unknown());
    let resp = apply_stepwise(&mut client, &prior, &planned).await;
    assert_eq!(summaries(&resp.diagnostics), vec!["Second step failed"]);
    assert_eq!(
        stepwise_state(resp),
        stepwise(Value::from("step-1"), "before", Value::from("half")),
        "the prior state advanced by the first step"
    );
}

#[tokio::test]
async fn unknown_type_and_unconfigured_provider_are_diagnostics() {
    let mut client = serve(TestProvider::default()).await;
    let resp = client
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "test_nope".into(),
            config: None,
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&resp.diagnostics), vec!["Unknown Resource Type"]);
    let config = thing(&[("name", Value::from("a"))]);
    let p = plan(&mut client, &Value::Null, &config).await;
    assert_eq!(summaries(&p.diagnostics), vec!["Provider Not Configured"]);
}

#[tokio::test]
async fn data_source_validate_and_read() {
    let mut client = configured(TestProvider::default()).await;
    let enc = |v: &Value| {
        Some(pb::DynamicValue {
            msgpack: cty::msgpack::encode(v, &echo_type()).unwrap(),
            json: Vec::new(),
        })
    };
    let missing = Value::Object(
        [
            ("name".into(), Value::Null),
            ("greeting".into(), Value::Null),
        ]
        .into(),
    );
    let resp = client
        .validate_data_resource_config(pb::validate_data_resource_config::Request {
            type_name: "test_echo".into(),
            config: enc(&missing),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        error_paths(&resp.diagnostics),
        vec![vec!["name".to_owned()]]
    );
    let config = Value::Object(
        [
            ("name".into(), Value::from("a")),
            ("greeting".into(), Value::Null),
        ]
        .into(),
    );
    let resp = client
        .read_data_source(pb::read_data_source::Request {
            type_name: "test_echo".into(),
            config: enc(&config),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    let state = cty::msgpack::decode(&resp.state.unwrap().msgpack, &echo_type()).unwrap();
    assert_eq!(state.attr("greeting"), &Value::from("hello a"));
}

// ---------------------------------------------------------------- identity, moves, lists

fn id_type() -> Type {
    Type::object([("id", Type::String)])
}

fn id_identity(id: Value) -> Value {
    Value::Object([("id".to_owned(), id)].into())
}

fn id_data(identity: &Value) -> Option<pb::ResourceIdentityData> {
    Some(pb::ResourceIdentityData {
        identity_data: Some(pb::DynamicValue {
            msgpack: cty::msgpack::encode(identity, &id_type()).unwrap(),
            json: Vec::new(),
        }),
    })
}

fn un_id(data: Option<pb::ResourceIdentityData>) -> Value {
    let data = data
        .expect("an identity")
        .identity_data
        .expect("identity data");
    cty::msgpack::decode(&data.msgpack, &id_type()).unwrap()
}

async fn read_with_identity(
    client: &mut ProviderClient<Channel>,
    state: &Value,
    identity: &Value,
) -> pb::read_resource::Response {
    client
        .read_resource(pb::read_resource::Request {
            type_name: "test_thing".into(),
            current_state: dv(state),
            current_identity: if identity.is_null() {
                None
            } else {
                id_data(identity)
            },
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
}

#[tokio::test]
async fn identity_travels_through_every_answer() {
    let mut client = configured(TestProvider::default()).await;
    let schemas = client
        .get_resource_identity_schemas(pb::get_resource_identity_schemas::Request {})
        .await
        .unwrap()
        .into_inner();
    let ids: Vec<_> = schemas
        .identity_schemas
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(ids, ["test_thing"], "only the type that opted in");
    let schema = &schemas.identity_schemas["test_thing"];
    let attr = &schema.identity_attributes[0];
    assert_eq!(
        (schema.version, attr.name.as_str(), attr.r#type.as_slice()),
        (0, "id", b"\"string\"".as_slice())
    );
    assert!(attr.required_for_import && !attr.optional_for_import);

    let config = thing(&[("name", Value::from("a"))]);
    let p = plan(&mut client, &Value::Null, &config).await;
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    assert!(
        p.planned_identity.is_none(),
        "none planned until created: Terraform cannot render an unknown one"
    );
    let planned = un_dv(p.planned_state);
    let a = client
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: "test_thing".into(),
            prior_state: dv(&Value::Null),
            planned_state: dv(&planned),
            config: dv(&config),
            planned_identity: p.planned_identity,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
    let identity = un_id(a.new_identity);
    assert_eq!(identity, id_identity(Value::from("thing-1")));
    let state = un_dv(a.new_state);

    let r = read_with_identity(&mut client, &state, &identity).await;
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(un_id(r.new_identity), identity);
    let first = read_with_identity(&mut client, &state, &Value::Null).await;
    assert_eq!(
        un_id(first.new_identity),
        identity,
        "the first read after an import by ID sets it"
    );
    let other = id_identity(Value::from("thing-9"));
    let changed = read_with_identity(&mut client, &state, &other).await;
    assert_eq!(
        summaries(&changed.diagnostics),
        vec!["Unexpected Identity Change"]
    );
    assert_eq!(un_id(changed.new_identity), other, "the stored one kept");

    let update = thing(&[("name", Value::from("a")), ("note", Value::from("n"))]);
    let p = client
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: "test_thing".into(),
            prior_state: dv(&state),
            proposed_new_state: dv(&proposed(&update, &state)),
            config: dv(&update),
            prior_identity: id_data(&identity),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    assert_eq!(un_id(p.planned_identity), identity);
}

async fn import_by(
    client: &mut ProviderClient<Channel>,
    id: &str,
    identity: &Value,
) -> pb::import_resource_state::Response {
    client
        .import_resource_state(pb::import_resource_state::Request {
            type_name: "test_thing".into(),
            id: id.into(),
            identity: if identity.is_null() {
                None
            } else {
                id_data(identity)
            },
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
}

#[tokio::test]
async fn import_by_id_or_by_identity() {
    let mut client = configured(TestProvider::default()).await;
    for (id, identity) in [
        ("thing-3", Value::Null),
        ("", id_identity(Value::from("thing-3"))),
    ] {
        let resp = import_by(&mut client, id, &identity).await;
        assert!(
            resp.diagnostics.is_empty(),
            "{id:?}: {:?}",
            resp.diagnostics
        );
        let imported = resp.imported_resources[0].clone();
        assert_eq!(
            un_dv(imported.state),
            thing(&[("id", Value::from("thing-3"))])
        );
        assert_eq!(
            un_id(imported.identity),
            id_identity(Value::from("thing-3"))
        );
    }
    let resp = import_by(&mut client, "", &id_identity(Value::Null)).await;
    assert!(resp.imported_resources.is_empty());
    assert_eq!(
        summaries(&resp.diagnostics),
        vec!["Missing Identity Attribute"]
    );
}

#[tokio::test]
async fn identity_upgrade_move_and_generated_configuration() {
    let mut client = configured(TestProvider::default()).await;
    let upgrade = |version: i64| pb::upgrade_resource_identity::Request {
        type_name: "test_thing".into(),
        version,
        raw_identity: Some(pb::RawState {
            json: br#"{"id":"thing-4"}"#.to_vec(),
            flatmap: HashMap::new(),
        }),
    };
    let up = client
        .upgrade_resource_identity(upgrade(0))
        .await
        .unwrap()
        .into_inner();
    assert!(up.diagnostics.is_empty(), "{:?}", up.diagnostics);
    assert_eq!(
        un_id(up.upgraded_identity),
        id_identity(Value::from("thing-4"))
    );
    let newer = client
        .upgrade_resource_identity(upgrade(3))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        summaries(&newer.diagnostics),
        vec!["Unable to Upgrade Resource Identity"]
    );

    let caps = client
        .get_metadata(pb::get_metadata::Request {})
        .await
        .unwrap()
        .into_inner()
        .server_capabilities
        .unwrap();
    assert!(caps.move_resource_state && caps.generate_resource_config);
    let mv = |source_type_name: &str, state: &str| pb::move_resource_state::Request {
        source_provider_address: "registry.terraform.io/hashicorp/aws".into(),
        source_type_name: source_type_name.into(),
        source_schema_version: 0,
        source_state: Some(pb::RawState {
            json: state.as_bytes().to_vec(),
            flatmap: HashMap::new(),
        }),
        target_type_name: "test_thing".into(),
        ..Default::default()
    };
    let moved = client
        .move_resource_state(mv("aws_thing", r#"{"id":"thing-5","title":"moved"}"#))
        .await
        .unwrap()
        .into_inner();
    assert!(moved.diagnostics.is_empty(), "{:?}", moved.diagnostics);
    let state = un_dv(moved.target_state);
    assert_eq!(state.attr("name"), &Value::from("moved"));
    assert_eq!(
        un_id(moved.target_identity),
        id_identity(Value::from("thing-5"))
    );
    let refused = client
        .move_resource_state(mv("aws_other", "{}"))
        .await
        .unwrap()
        .into_inner();
    assert!(refused.target_state.is_none());
    assert_eq!(
        summaries(&refused.diagnostics),
        vec!["Unsupported Resource Move"]
    );

    let generated = client
        .generate_resource_config(pb::generate_resource_config::Request {
            type_name: "test_thing".into(),
            state: dv(&state),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        generated.diagnostics.is_empty(),
        "{:?}",
        generated.diagnostics
    );
    assert_eq!(
        un_dv(generated.config),
        thing(&[("name", Value::from("moved"))]),
        "computed-only id and arn, and the default mode, left out"
    );
}

async fn create_things(client: &mut ProviderClient<Channel>, names: &[&str]) {
    for name in names {
        let config = thing(&[("name", Value::from(*name))]);
        let p = plan(client, &Value::Null, &config).await;
        let a = apply(client, &Value::Null, &un_dv(p.planned_state), &config).await;
        assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
    }
}

fn list_config(prefix: Value) -> Option<pb::DynamicValue> {
    let ty = Type::object([("name_prefix", Type::String)]);
    let config = Value::Object([("name_prefix".to_owned(), prefix)].into());
    Some(pb::DynamicValue {
        msgpack: cty::msgpack::encode(&config, &ty).unwrap(),
        json: Vec::new(),
    })
}

async fn list_events(
    client: &mut ProviderClient<Channel>,
    prefix: Value,
    include_resource_object: bool,
    limit: i64,
) -> Vec<pb::list_resource::Event> {
    client
        .list_resource(pb::list_resource::Request {
            type_name: "test_thing".into(),
            config: list_config(prefix),
            include_resource_object,
            limit,
        })
        .await
        .unwrap()
        .into_inner()
        .map(|event| event.expect("an event"))
        .collect()
        .await
}

#[tokio::test]
async fn list_resource_streams_identities() {
    let mut client = configured(TestProvider::default()).await;
    let md = client
        .get_metadata(pb::get_metadata::Request {})
        .await
        .unwrap()
        .into_inner();
    let lists: Vec<_> = md
        .list_resources
        .iter()
        .map(|l| l.type_name.as_str())
        .collect();
    assert_eq!(lists, ["test_thing"]);
    let schema = client
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    let config_block = schema.list_resource_schemas["test_thing"]
        .block
        .clone()
        .unwrap();
    assert_eq!(config_block.attributes[0].name, "name_prefix");
    let valid = client
        .validate_list_resource_config(pb::validate_list_resource_config::Request {
            type_name: "test_thing".into(),
            config: list_config(Value::from("a")),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(valid.diagnostics.is_empty(), "{:?}", valid.diagnostics);

    create_things(&mut client, &["a", "b", "c"]).await;
    let all = list_events(&mut client, Value::Null, true, 100).await;
    let got: Vec<_> = all
        .iter()
        .map(|e| (e.display_name.as_str(), un_id(e.identity.clone())))
        .collect();
    assert_eq!(
        got,
        [
            ("a", id_identity(Value::from("thing-1"))),
            ("b", id_identity(Value::from("thing-2"))),
            ("c", id_identity(Value::from("thing-3"))),
        ]
    );
    let object = un_dv(all[1].resource_object.clone());
    assert_eq!(object.attr("arn"), &arn("b", 1));

    let limited = list_events(&mut client, Value::Null, false, 2).await;
    assert_eq!(limited.len(), 2);
    assert!(limited.iter().all(|e| e.resource_object.is_none()));

    let failed = list_events(&mut client, Value::from("fail"), false, 100).await;
    assert_eq!(failed.len(), 2, "one result, then the error");
    assert_eq!(summaries(&failed[1].diagnostic), vec!["Listing failed"]);
    assert!(failed[1].identity.is_none());
}

// ---------------------------------------------------------------- every other RPC

fn names_rpc(diags: &[pb::Diagnostic], rpc: &str) {
    assert_eq!(diags.len(), 1, "{rpc}: {diags:?}");
    assert_eq!(
        diags[0].severity,
        pb::diagnostic::Severity::Error as i32,
        "{rpc}"
    );
    assert!(
        diags[0].summary.contains(rpc),
        "{rpc}: {}",
        diags[0].summary
    );
}

#[tokio::test]
async fn every_other_rpc_answers() {
    let mut c = serve(CentralRootProvider).await;
    let md = c
        .get_metadata(pb::get_metadata::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(md.server_capabilities.unwrap().get_provider_schema_optional);
    let f = c
        .get_functions(pb::get_functions::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(f.functions.is_empty() && f.diagnostics.is_empty());
    let r = c
        .call_function(pb::call_function::Request {
            name: "f".into(),
            arguments: vec![],
        })
        .await
        .unwrap()
        .into_inner();
    assert!(r.error.unwrap().text.contains("\"f\""));

    // The resource RPCs of identity, moves and generated configuration name the unknown type.
    let unknown = vec!["Unknown Resource Type".to_owned()];
    let up = c
        .upgrade_resource_identity(pb::upgrade_resource_identity::Request::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&up.diagnostics), unknown);
    let mv = c
        .move_resource_state(pb::move_resource_state::Request::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&mv.diagnostics), unknown);
    let gen_config = c
        .generate_resource_config(pb::generate_resource_config::Request::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&gen_config.diagnostics), unknown);
    let vl = c
        .validate_list_resource_config(pb::validate_list_resource_config::Request::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        summaries(&vl.diagnostics),
        vec!["Unknown List Resource Type"]
    );
    names_rpc(
        &c.validate_state_store_config(pb::validate_state_store::Request::default())
            .await
            .unwrap()
            .into_inner()
            .diagnostics,
        "ValidateStateStoreConfig",
    );
    names_rpc(
        &c.configure_state_store(pb::configure_state_store::Request::default())
            .await
            .unwrap()
            .into_inner()
            .diagnostics,
        "ConfigureStateStore",
    );
    names_rpc(
        &c.lock_state(pb::lock_state::Request::default())
            .await
            .unwrap()
            .into_inner()
            .diagnostics,
        "LockState",
    );
    names_rpc(
        &c.unlock_state(pb::unlock_state::Request::default())
            .await
            .unwrap()
            .into_inner()
            .diagnostics,
        "UnlockState",
    );
    names_rpc(
        &c.get_states(pb::get_states::Request::default())
            .await
            .unwrap()
            .into_inner()
            .diagnostics,
        "GetStates",
    );
    names_rpc(
        &c.delete_state(pb::delete_state::Request::default())
            .await
            .unwrap()
            .into_inner()
            .diagnostics,
        "DeleteState",
    );

    let mut list = c
        .list_resource(pb::list_resource::Request::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        summaries(&list.next().await.unwrap().unwrap().diagnostic),
        vec!["Unknown List Resource Type"]
    );
    assert!(list.next().await.is_none());
    let mut read = c
        .read_state_bytes(pb::read_state_bytes::Request::default())
        .await
        .unwrap()
        .into_inner();
    names_rpc(
        &read.next().await.unwrap().unwrap().diagnostics,
        "ReadStateBytes",
    );
    assert!(read.next().await.is_none());
    let chunks = tokio_stream::iter(vec![pb::write_state_bytes::RequestChunk::default()]);
    names_rpc(
        &c.write_state_bytes(chunks)
            .await
            .unwrap()
            .into_inner()
            .diagnostics,
        "WriteStateBytes",
    );

    // type-bound RPCs for types that do not exist
    let unknown_type = |diags: &[pb::Diagnostic], kind: &str| {
        assert_eq!(summaries(diags), [format!("Unknown {kind} Type")]);
    };
    let ve = c
        .validate_ephemeral_resource_config(
            pb::validate_ephemeral_resource_config::Request::default(),
        )
        .await
        .unwrap()
        .into_inner();
    unknown_type(&ve.diagnostics, "Ephemeral Resource");
    let oe = c
        .open_ephemeral_resource(pb::open_ephemeral_resource::Request::default())
        .await
        .unwrap()
        .into_inner();
    unknown_type(&oe.diagnostics, "Ephemeral Resource");
    let ce = c
        .close_ephemeral_resource(pb::close_ephemeral_resource::Request::default())
        .await
        .unwrap()
        .into_inner();
    unknown_type(&ce.diagnostics, "Ephemeral Resource");
    let va = c
        .validate_action_config(pb::validate_action_config::Request::default())
        .await
        .unwrap()
        .into_inner();
    unknown_type(&va.diagnostics, "Action");
    let pa = c
        .plan_action(pb::plan_action::Request::default())
        .await
        .unwrap()
        .into_inner();
    unknown_type(&pa.diagnostics, "Action");
    let rd = c
        .read_data_source(pb::read_data_source::Request {
            type_name: "x".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&rd.diagnostics), vec!["Unknown Data Source Type"]);
    let vd = c
        .validate_data_resource_config(pb::validate_data_resource_config::Request {
            type_name: "x".into(),
            config: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&vd.diagnostics), vec!["Unknown Data Source Type"]);
    let im = c
        .import_resource_state(pb::import_resource_state::Request {
            type_name: "x".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&im.diagnostics), vec!["Unknown Resource Type"]);
    let stop = c
        .stop_provider(pb::stop_provider::Request {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stop.error, "");
}
