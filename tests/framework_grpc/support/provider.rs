//! The provider the tests serve, `test`, with one type of each kind, and the values its
//! types take on the wire:
//! - `test_thing`: an object kept in the provider's [`Store`], with an identity (its `id`),
//!   private data, moves from hashicorp/aws's `aws_thing`, a create that hangs when `slow`
//!   is set and an update that fails after recording when `note = "fail"`; and its listing;
//! - `test_echo`, a data source that greets its name;
//! - `test_token`, an ephemeral resource that is renewed and closed through its private data;
//! - `test_countdown`, an action that streams its progress.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use centralroot::cty::{Type, Value};
use centralroot::framework::action::{Action, InvokeRequest, InvokeResponse, Progress};
use centralroot::framework::context::Context;
use centralroot::framework::data_source::{self, DataSource};
use centralroot::framework::ephemeral_resource::{
    CloseRequest, CloseResponse, EphemeralResource, OpenRequest, OpenResponse, RenewRequest,
    RenewResponse,
};
use centralroot::framework::list_resource::{
    ListRequest, ListResource, ListResponse, ListResult, ListResults,
};
use centralroot::framework::plan_modifiers::{RequiresReplace, UseStateForUnknown};
use centralroot::framework::provider::{ConfigureRequest, ConfigureResponse, Named, Provider};
use centralroot::framework::resource::{
    CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, ImportStateRequest,
    ImportStateResponse, MoveSource, MoveStateRequest, MoveStateResponse, ReadRequest,
    ReadResponse, Resource, UpdateRequest, UpdateResponse, import_id_into,
};
use centralroot::framework::schema::{Attribute, Block, IdentityAttribute, IdentitySchema, Schema};
use centralroot::framework::validators::StringOneOf;
use centralroot::framework::values::ValueExt;
use centralroot::tfplugin6 as pb;
use tokio::sync::Notify;

use super::{Client, decode, encode};

/// The "cloud" the test types work on.
#[derive(Default)]
pub struct Store {
    /// The `test_thing` objects, by ID.
    pub things: Mutex<HashMap<String, BTreeMap<String, Value>>>,
    next_id: AtomicU64,
    /// A slow create, an open of `hold` or an action that holds is running.
    pub slow_started: Notify,
}

#[derive(Clone, Default)]
pub struct TestProvider {
    pub store: Arc<Store>,
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

    fn resources(&self) -> Vec<Named<dyn Resource<Arc<Store>>>> {
        vec![("test_thing", Arc::new(Thing))]
    }

    fn data_sources(&self) -> Vec<Named<dyn DataSource<Arc<Store>>>> {
        vec![("test_echo", Arc::new(Echo))]
    }

    fn ephemeral_resources(&self) -> Vec<Named<dyn EphemeralResource<Arc<Store>>>> {
        vec![("test_token", Arc::new(Token))]
    }

    fn actions(&self) -> Vec<Named<dyn Action<Arc<Store>>>> {
        vec![("test_countdown", Arc::new(Countdown))]
    }

    fn list_resources(&self) -> Vec<Named<dyn ListResource<Arc<Store>>>> {
        vec![("test_thing", Arc::new(Things))]
    }
}

// ---------------------------------------------------------------- test_thing

struct Thing;

fn thing_schema() -> Schema {
    Schema::new(
        0,
        Block::new()
            .attribute(
                "id",
                Attribute::computed(Type::String).plan_modifier(UseStateForUnknown),
            )
            .attribute("arn", Attribute::computed(Type::String))
            .attribute(
                "name",
                Attribute::required(Type::String).plan_modifier(RequiresReplace),
            )
            .attribute("note", Attribute::optional(Type::String))
            .attribute(
                "mode",
                Attribute::optional(Type::String)
                    .default_value(Value::from("standard"))
                    .validator(StringOneOf::new(["standard", "adaptive"])),
            )
            .attribute("slow", Attribute::optional(Type::Bool)),
    )
}

/// A `test_thing` value with `pairs` set and every other attribute null.
pub fn thing(pairs: &[(&str, Value)]) -> Value {
    let mut v = thing_schema().empty_value();
    for (k, val) in pairs {
        v.set_attr(k, val.clone()).expect("an object");
    }
    v
}

/// The ARN of version `version` of the thing named `name`.
pub fn arn(name: &str, version: u64) -> Value {
    Value::from(format!("arn:test:{name}:{version}"))
}

/// A `test_thing` value as Terraform sends it.
pub fn thing_dv(value: &Value) -> Option<pb::DynamicValue> {
    encode(value, &thing_schema().value_type())
}

/// The `test_thing` value an answer carries.
pub fn un_thing(dv: Option<pb::DynamicValue>) -> Value {
    decode(dv, &thing_schema().value_type())
}

/// What Terraform proposes: the configuration, with the prior values of the computed
/// attributes it leaves null.
pub fn proposed(config: &Value, prior: &Value) -> Value {
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

/// The PlanResourceChange request of `test_thing` from `prior` to `config` (null: destroy),
/// with the proposed new state Terraform would send.
pub fn plan_request(prior: &Value, config: &Value) -> pb::plan_resource_change::Request {
    let proposed = if config.is_null() {
        Value::Null
    } else {
        proposed(config, prior)
    };
    pb::plan_resource_change::Request {
        type_name: "test_thing".into(),
        prior_state: thing_dv(prior),
        proposed_new_state: thing_dv(&proposed),
        config: thing_dv(config),
        ..Default::default()
    }
}

/// Plans `test_thing` from `prior` to `config` (null: destroy).
pub async fn plan(
    client: &mut Client,
    prior: &Value,
    config: &Value,
) -> pb::plan_resource_change::Response {
    let request = plan_request(prior, config);
    client
        .plan_resource_change(request)
        .await
        .unwrap()
        .into_inner()
}

/// The ApplyResourceChange request of a planned change of `test_thing`.
pub fn apply_request(
    prior: &Value,
    planned: &Value,
    config: &Value,
) -> pb::apply_resource_change::Request {
    pb::apply_resource_change::Request {
        type_name: "test_thing".into(),
        prior_state: thing_dv(prior),
        planned_state: thing_dv(planned),
        config: thing_dv(config),
        ..Default::default()
    }
}

/// Applies a planned change of `test_thing`.
pub async fn apply(
    client: &mut Client,
    prior: &Value,
    planned: &Value,
    config: &Value,
) -> pb::apply_resource_change::Response {
    let request = apply_request(prior, planned, config);
    client
        .apply_resource_change(request)
        .await
        .unwrap()
        .into_inner()
}

/// The ReadResource request of `test_thing` in `state`.
pub fn read_request(state: &Value) -> pb::read_resource::Request {
    pb::read_resource::Request {
        type_name: "test_thing".into(),
        current_state: thing_dv(state),
        ..Default::default()
    }
}

fn id_type() -> Type {
    Type::object([("id", Type::String)])
}

/// A `test_thing` identity.
pub fn id_identity(id: Value) -> Value {
    Value::Object([("id".to_owned(), id)].into())
}

/// A `test_thing` identity as Terraform sends it; none for a null one.
pub fn id_data(identity: &Value) -> Option<pb::ResourceIdentityData> {
    (!identity.is_null()).then(|| pb::ResourceIdentityData {
        identity_data: encode(identity, &id_type()),
    })
}

/// The `test_thing` identity an answer carries.
pub fn un_id(data: Option<pb::ResourceIdentityData>) -> Value {
    decode(data.expect("an identity").identity_data, &id_type())
}

fn text(value: &Value, name: &str) -> String {
    value.attr(name).as_str().unwrap_or_default().to_owned()
}

fn store(value: &Value, things: &Mutex<HashMap<String, BTreeMap<String, Value>>>) {
    if let Value::Object(attrs) = value {
        things
            .lock()
            .unwrap()
            .insert(text(value, "id"), attrs.clone());
    }
}

#[async_trait]
impl Resource<Arc<Store>> for Thing {
    fn schema(&self) -> Schema {
        thing_schema()
    }

    /// Numbers the things `thing-1`, `thing-2`…, and records `created` as private data.
    async fn create(
        &self,
        ctx: &Context<Arc<Store>>,
        req: CreateRequest,
        resp: &mut CreateResponse,
    ) {
        let store_ = ctx.provider_data();
        if req.planned_state.attr("slow").as_bool() == Some(true) {
            store_.slow_started.notify_one();
            std::future::pending::<()>().await;
        }
        let n = store_.next_id.fetch_add(1, Ordering::SeqCst) + 1;
        let mut state = req.planned_state;
        let name = text(&state, "name");
        state
            .set_attr("id", Value::from(format!("thing-{n}")))
            .expect("an object");
        state.set_attr("arn", arn(&name, 1)).expect("an object");
        store(&state, &store_.things);
        resp.state = state;
        resp.private = b"created".to_vec();
    }

    async fn read(&self, ctx: &Context<Arc<Store>>, req: ReadRequest, resp: &mut ReadResponse) {
        let things = ctx.provider_data().things.lock().unwrap();
        resp.state = things
            .get(&text(&req.state, "id"))
            .map_or(Value::Null, |attrs| Value::Object(attrs.clone()));
    }

    /// Records the next ARN version, then fails when `note = "fail"`.
    async fn update(
        &self,
        ctx: &Context<Arc<Store>>,
        req: UpdateRequest,
        resp: &mut UpdateResponse,
    ) {
        let version = text(&req.prior_state, "arn")
            .rsplit(':')
            .next()
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
        resp.state = req.planned_state;
        let name = text(&resp.state, "name");
        resp.state
            .set_attr("arn", arn(&name, version + 1))
            .expect("an object");
        store(&resp.state, &ctx.provider_data().things);
        if resp.state.attr("note").as_str() == Some("fail") {
            resp.diagnostics
                .error("Update failed", "after the new ARN was recorded");
        }
    }

    async fn delete(
        &self,
        ctx: &Context<Arc<Store>>,
        req: DeleteRequest,
        _resp: &mut DeleteResponse,
    ) {
        let things = &ctx.provider_data().things;
        things.lock().unwrap().remove(&text(&req.state, "id"));
    }

    /// The identity is the `id`, read from the state by the engine.
    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(
            IdentitySchema::new(0)
                .attribute("id", IdentityAttribute::required_for_import(Type::String)),
        )
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
        import_id_into("id", &req, resp);
    }
}

/// The `test_thing` listing: every thing in the store, by ID; a `name_prefix` of `"fail"`
/// fails after the first result.
struct Things;

#[async_trait]
impl ListResource<Arc<Store>> for Things {
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

// ---------------------------------------------------------------- test_echo

/// `test_echo`: greets its name.
struct Echo;

fn echo_schema() -> Schema {
    Schema::new(
        0,
        Block::new()
            .attribute("name", Attribute::required(Type::String))
            .attribute("greeting", Attribute::computed(Type::String)),
    )
}

/// A `test_echo` value as Terraform sends it.
pub fn echo(name: Value, greeting: Value) -> Option<pb::DynamicValue> {
    let value = Value::Object([("name".into(), name), ("greeting".into(), greeting)].into());
    encode(&value, &echo_schema().value_type())
}

/// The `test_echo` value an answer carries.
pub fn un_echo(dv: Option<pb::DynamicValue>) -> Value {
    decode(dv, &echo_schema().value_type())
}

#[async_trait]
impl DataSource<Arc<Store>> for Echo {
    fn schema(&self) -> Schema {
        echo_schema()
    }

    async fn read(
        &self,
        _ctx: &Context<Arc<Store>>,
        req: data_source::ReadRequest,
        resp: &mut data_source::ReadResponse,
    ) {
        let name = text(&req.config, "name");
        resp.state
            .set_attr("greeting", Value::from(format!("hello {name}")))
            .expect("an object");
    }
}

// ---------------------------------------------------------------- test_token

/// How long an opened token lives before Terraform should renew it.
const LIFETIME: Duration = Duration::from_secs(3600);

/// `test_token`: a token named after `name`; `name = "broken"` leaves it unknown.
struct Token;

fn token_schema() -> Schema {
    Schema::new(
        0,
        Block::new()
            .attribute("name", Attribute::required(Type::String))
            .attribute("token", Attribute::computed(Type::String).sensitive()),
    )
}

/// A `test_token` configuration as Terraform sends it.
pub fn token(name: Value) -> Option<pb::DynamicValue> {
    let mut config = token_schema().empty_value();
    config.set_attr("name", name).expect("an object");
    encode(&config, &token_schema().value_type())
}

/// The `test_token` result an answer carries.
pub fn un_token(dv: Option<pb::DynamicValue>) -> Value {
    decode(dv, &token_schema().value_type())
}

#[async_trait]
impl EphemeralResource<Arc<Store>> for Token {
    fn schema(&self) -> Schema {
        token_schema()
    }

    /// The private data is the name.
    async fn open(&self, _ctx: &Context<Arc<Store>>, req: OpenRequest, resp: &mut OpenResponse) {
        let name = text(&req.config, "name");
        let token = match name.as_str() {
            "broken" => Value::unknown(),
            _ => Value::from(format!("token-{name}")),
        };
        resp.result
            .set_attr("token", token)
            .expect("the result starts as the configuration object");
        resp.renew_at = Some(SystemTime::now() + LIFETIME);
        resp.private = name.into_bytes();
    }

    /// Extends the lease; the private data counts the renewals.
    async fn renew(&self, _ctx: &Context<Arc<Store>>, req: RenewRequest, resp: &mut RenewResponse) {
        resp.renew_at = Some(SystemTime::now() + LIFETIME);
        resp.private = [req.private.as_slice(), b"+"].concat();
    }

    async fn close(&self, _ctx: &Context<Arc<Store>>, req: CloseRequest, resp: &mut CloseResponse) {
        if req.private.is_empty() {
            resp.diagnostics
                .error("Nothing To Close", "close received no private data");
        }
    }
}

// ---------------------------------------------------------------- test_countdown

/// `test_countdown`: one progress line per number from `from` down to 1, then an error when
/// `fail` is set, or a wait for StopProvider when `hold` is set.
struct Countdown;

fn countdown_schema() -> Schema {
    Schema::new(
        0,
        Block::new()
            .attribute("from", Attribute::required(Type::Number))
            .attribute("fail", Attribute::optional(Type::Bool))
            .attribute("hold", Attribute::optional(Type::Bool)),
    )
}

/// A `test_countdown` configuration as Terraform sends it.
pub fn countdown(from: Value, fail: bool, hold: bool) -> Option<pb::DynamicValue> {
    let mut config = countdown_schema().empty_value();
    for (name, value) in [
        ("from", from),
        ("fail", Value::Bool(fail)),
        ("hold", Value::Bool(hold)),
    ] {
        config.set_attr(name, value).expect("an object");
    }
    encode(&config, &countdown_schema().value_type())
}

#[async_trait]
impl Action<Arc<Store>> for Countdown {
    fn schema(&self) -> Schema {
        countdown_schema()
    }

    async fn invoke(
        &self,
        ctx: &Context<Arc<Store>>,
        req: InvokeRequest,
        progress: &Progress,
        resp: &mut InvokeResponse,
    ) {
        let from = req.config.attr("from").as_i64().unwrap_or_default();
        for n in (1..=from).rev() {
            progress.send(n.to_string()).await;
        }
        if req.config.attr("fail").as_bool() == Some(true) {
            resp.diagnostics
                .error("Countdown Failed", "the count reached zero");
        }
        if req.config.attr("hold").as_bool() == Some(true) {
            ctx.provider_data().slow_started.notify_one();
            std::future::pending::<()>().await;
        }
    }
}
