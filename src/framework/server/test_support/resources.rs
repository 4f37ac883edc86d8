//! The managed resource types of the `test` provider, and its list types.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use async_trait::async_trait;

use super::{Lab, hang, schema};
use crate::cty::{self, Type, Value};
use crate::framework::context::Context;
use crate::framework::diagnostics::Diagnostic;
use crate::framework::list_resource::{
    self, ListRequest, ListResource, ListResponse, ListResult, ListResults,
};
use crate::framework::resource::{
    CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, ImportStateRequest,
    ImportStateResponse, ModifyPlanRequest, ModifyPlanResponse, MoveSource, MoveStateRequest,
    MoveStateResponse, ReadRequest, ReadResponse, Resource, UpdateRequest, UpdateResponse,
    UpgradeStateRequest, UpgradeStateResponse, import_id_into,
};
use crate::framework::schema::{Attribute, Block, IdentityAttribute, IdentitySchema, Schema};
use crate::framework::validators::StringOneOf;
use crate::framework::values::ValueExt;
use crate::framework::values::test_values::{obj, ordinary_resource, with_attrs};

// ---------------------------------------------------------------- test_thing

/// `test_thing`: an object kept in the [`Lab`], planned like an ordinary resource. Schema
/// version 1; version 0 called the name `title`.
pub struct Thing;

fn thing_schema() -> Schema {
    Schema::new(
        1,
        ordinary_resource().attribute(
            "mode",
            Attribute::optional(Type::String)
                .default_value(Value::from("standard"))
                .validator(StringOneOf::new(["standard", "adaptive"])),
        ),
    )
}

/// A `test_thing` value with `pairs` set and every other attribute null.
pub fn thing(pairs: &[(&str, Value)]) -> Value {
    with_attrs(&thing_schema().empty_value(), pairs)
}

/// What Terraform proposes for `config` after `prior`: the configuration, with the prior
/// values of the computed attributes it leaves null.
pub fn proposed(config: &Value, prior: &Value) -> Value {
    let mut proposed = config.clone();
    if !prior.is_null() {
        for name in ["id", "arn", "mode"] {
            if config.attr(name).is_null() {
                proposed
                    .set_attr(name, prior.attr(name).clone())
                    .expect("an object");
            }
        }
    }
    proposed
}

/// A `test_thing` named `name` as the lab's first create made it: `thing-1`, its ARN at
/// version 1, the default mode.
pub fn created_thing(name: &str) -> Value {
    let name = Value::from(name);
    thing(&[
        ("id", Value::from("thing-1")),
        ("arn", arn(&name, 1)),
        ("name", name),
        ("mode", Value::from("standard")),
    ])
}

impl Lab {
    /// Keeps `thing` as if the lab had created it.
    pub fn keep(&self, thing: Value) {
        self.things.lock().unwrap().insert(id_of(&thing), thing);
    }
}

fn arn(name: &Value, version: u64) -> Value {
    Value::from(format!(
        "arn:test:{}:{version}",
        name.as_str().unwrap_or_default()
    ))
}

fn id_of(state: &Value) -> String {
    state.attr("id").as_str().unwrap_or_default().to_owned()
}

#[async_trait]
impl Resource<Arc<Lab>> for Thing {
    fn schema(&self) -> Schema {
        thing_schema()
    }

    /// Numbers the objects `thing-1`, `thing-2`…; the ARN ends with version 1.
    async fn create(&self, ctx: &Context<Arc<Lab>>, req: CreateRequest, resp: &mut CreateResponse) {
        let lab = ctx.provider_data();
        let n = lab.created.fetch_add(1, Ordering::SeqCst) + 1;
        let id = format!("thing-{n}");
        let arn = arn(req.planned_state.attr("name"), 1);
        resp.state = with_attrs(&req.planned_state, &[("id", Value::from(id)), ("arn", arn)]);
        lab.keep(resp.state.clone());
    }

    /// What the lab keeps; nothing once it was deleted.
    async fn read(&self, ctx: &Context<Arc<Lab>>, req: ReadRequest, resp: &mut ReadResponse) {
        let things = ctx.provider_data().things.lock().unwrap();
        resp.state = things
            .get(&id_of(&req.state))
            .cloned()
            .unwrap_or(Value::Null);
    }

    /// The ARN's version goes up by one.
    async fn update(&self, ctx: &Context<Arc<Lab>>, req: UpdateRequest, resp: &mut UpdateResponse) {
        let version = req
            .prior_state
            .attr("arn")
            .as_str()
            .and_then(|a| a.rsplit(':').next()?.parse::<u64>().ok())
            .unwrap_or(0);
        let arn = arn(req.planned_state.attr("name"), version + 1);
        resp.state = with_attrs(&req.planned_state, &[("arn", arn)]);
        ctx.provider_data().keep(resp.state.clone());
    }

    async fn delete(
        &self,
        ctx: &Context<Arc<Lab>>,
        req: DeleteRequest,
        _resp: &mut DeleteResponse,
    ) {
        let things = &ctx.provider_data().things;
        things.lock().unwrap().remove(&id_of(&req.state));
    }

    /// The ID must look like `thing-N`; the read that follows fills in the rest.
    async fn import_state(
        &self,
        _ctx: &Context<Arc<Lab>>,
        req: ImportStateRequest,
        resp: &mut ImportStateResponse,
    ) {
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

// ---------------------------------------------------------------- test_slow

/// Records the first step, then blocks.
pub const RECORD_THEN_BLOCK: &str = "record then block";
/// Records the first step, then fails.
pub const RECORD_THEN_FAIL: &str = "record then fail";
/// Blocks before recording anything; a read in this mode blocks too.
pub const BLOCK: &str = "block";
/// Has its write in flight when StopProvider comes: records the object once the stop has
/// arrived and the write has then completed.
pub const WRITE_IN_FLIGHT: &str = "write in flight";
/// A create that answers another `mode` than planned and leaves `id` unknown.
pub const BREAK: &str = "break";

/// `test_slow`: a create or update in two remote steps, whose `mode` says what happens after
/// the first: it may record the first step in its response, then block past any stop grace,
/// fail, have its second step in flight when StopProvider comes, or break the apply invariants.
pub struct Slow;

/// A `test_slow` value.
pub fn slow(id: Value, mode: &str, progress: Value) -> Value {
    Value::Object(
        [
            ("id".to_owned(), id),
            ("mode".to_owned(), Value::from(mode)),
            ("progress".to_owned(), progress),
        ]
        .into(),
    )
}

fn mode(state: &Value) -> &str {
    state.attr("mode").as_str().unwrap_or_default()
}

#[async_trait]
impl Resource<Arc<Lab>> for Slow {
    fn schema(&self) -> Schema {
        schema([
            ("id", Attribute::computed(Type::String)),
            ("mode", Attribute::required(Type::String)),
            ("progress", Attribute::computed(Type::String)),
        ])
    }

    /// The first step creates the object: its id is known, `progress` still unknown.
    async fn create(&self, ctx: &Context<Arc<Lab>>, req: CreateRequest, resp: &mut CreateResponse) {
        let mode = mode(&req.planned_state).to_owned();
        let lab = ctx.provider_data();
        match mode.as_str() {
            WRITE_IN_FLIGHT => {
                lab.hang.started.notify_one();
                ctx.cancellation().cancelled().await;
                // The answer arrives after the stop: the engine must still be listening.
                tokio::task::yield_now().await;
                resp.state = with_attrs(
                    &req.planned_state,
                    &[
                        ("id", Value::from("thing-1")),
                        ("progress", Value::from("done")),
                    ],
                );
                return;
            }
            BREAK => {
                resp.state = with_attrs(
                    &req.planned_state,
                    &[
                        ("mode", Value::from("not what was planned")),
                        ("progress", Value::from("done")),
                    ],
                );
                return;
            }
            BLOCK => {}
            _ => resp.state = with_attrs(&req.planned_state, &[("id", Value::from("thing-1"))]),
        }
        if mode == RECORD_THEN_FAIL {
            resp.diagnostics
                .error("Step two failed", "after the object existed");
            return;
        }
        hang(ctx, &lab.hang).await;
    }

    /// Blocks when the state's mode says so, else changes nothing.
    async fn read(&self, ctx: &Context<Arc<Lab>>, req: ReadRequest, _resp: &mut ReadResponse) {
        if mode(&req.state) == BLOCK {
            hang(ctx, &ctx.provider_data().hang).await;
        }
    }

    /// The first step is recorded on the prior state the response starts as:
    /// `progress = "half"`.
    async fn update(&self, ctx: &Context<Arc<Lab>>, req: UpdateRequest, resp: &mut UpdateResponse) {
        let mode = mode(&req.planned_state);
        if mode != BLOCK {
            resp.state
                .set_attr("progress", Value::from("half"))
                .expect("an object");
        }
        if mode == RECORD_THEN_FAIL {
            resp.diagnostics
                .error("Step two failed", "after the first change");
            return;
        }
        hang(ctx, &ctx.provider_data().hang).await;
    }

    async fn delete(
        &self,
        _ctx: &Context<Arc<Lab>>,
        _req: DeleteRequest,
        _resp: &mut DeleteResponse,
    ) {
    }
}

// ---------------------------------------------------------------- test_member

/// A `note` that makes create, read and update answer an all-null identity.
pub const FORGET: &str = "forget identity";
/// A `note` that makes every operation, `modify_plan` included, answer another identity.
pub const OTHER: &str = "other identity";

/// `test_member`: an account registration whose identity (account, principal) the engine reads
/// from its state by default.
pub struct Member;

/// A `test_member` state.
pub fn member(account: &str, note: Value) -> Value {
    obj(&[
        ("id", Value::from(account)),
        ("account_id", Value::from(account)),
        ("principal", Value::from("iam")),
        ("note", note),
    ])
}

/// A `test_member` configuration.
pub fn member_config(account: Value, note: Value) -> Value {
    obj(&[
        ("id", Value::Null),
        ("account_id", account),
        ("principal", Value::Null),
        ("note", note),
    ])
}

/// A `test_member` identity.
pub fn identity(account: Value, principal: Value) -> Value {
    obj(&[("account_id", account), ("principal", principal)])
}

/// The identity of member `account` registered with the default principal.
pub fn member_identity(account: &str) -> Value {
    identity(Value::from(account), Value::from("iam"))
}

/// What a misbehaving operation answers for the identity, from the state's `note`.
fn misbehave(state: &Value) -> Option<Value> {
    match state.attr("note").as_str() {
        Some(FORGET) => Some(identity(Value::Null, Value::Null)),
        Some(OTHER) => Some(identity(Value::from("999"), Value::from("iam"))),
        _ => None,
    }
}

#[async_trait]
impl Resource<Arc<Lab>> for Member {
    fn schema(&self) -> Schema {
        schema([
            ("id", Attribute::computed(Type::String)),
            ("account_id", Attribute::required(Type::String)),
            (
                "principal",
                Attribute::optional(Type::String).default_value(Value::from("iam")),
            ),
            ("note", Attribute::optional(Type::String)),
        ])
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(
            IdentitySchema::new(0)
                .attribute(
                    "account_id",
                    IdentityAttribute::required_for_import(Type::String),
                )
                .attribute(
                    "principal",
                    IdentityAttribute::optional_for_import(Type::String),
                ),
        )
    }

    async fn create(
        &self,
        _ctx: &Context<Arc<Lab>>,
        req: CreateRequest,
        resp: &mut CreateResponse,
    ) {
        let mut state = req.planned_state;
        state
            .set_attr("id", state.attr("account_id").clone())
            .expect("an object");
        resp.identity = misbehave(&state).unwrap_or(Value::Null);
        resp.state = state;
    }

    async fn read(&self, _ctx: &Context<Arc<Lab>>, req: ReadRequest, resp: &mut ReadResponse) {
        resp.identity = misbehave(&req.state).unwrap_or(Value::Null);
    }

    async fn update(
        &self,
        _ctx: &Context<Arc<Lab>>,
        req: UpdateRequest,
        resp: &mut UpdateResponse,
    ) {
        resp.identity = misbehave(&req.planned_state).unwrap_or(Value::Null);
        resp.state = req.planned_state;
    }

    async fn delete(
        &self,
        _ctx: &Context<Arc<Lab>>,
        _req: DeleteRequest,
        _resp: &mut DeleteResponse,
    ) {
    }

    async fn modify_plan(
        &self,
        _ctx: &Context<Arc<Lab>>,
        req: ModifyPlanRequest,
        resp: &mut ModifyPlanResponse,
    ) {
        if req.config.attr("note").as_str() == Some(OTHER) {
            resp.planned_identity = identity(Value::from("999"), Value::from("iam"));
        }
    }

    /// By ID the state names the object by `id` only; by identity the engine wrote the
    /// account in, and the resource supplies the principal an import may leave out.
    async fn import_state(
        &self,
        _ctx: &Context<Arc<Lab>>,
        req: ImportStateRequest,
        resp: &mut ImportStateResponse,
    ) {
        if req.by_identity() {
            let account = resp.state.attr("account_id").clone();
            resp.state.set_attr("id", account).expect("an object");
            if resp.state.attr("principal").is_null() {
                resp.state
                    .set_attr("principal", Value::from("iam"))
                    .expect("an object");
            }
        } else {
            resp.state
                .set_attr("id", Value::from(req.id))
                .expect("an object");
        }
    }

    fn moved_from(&self) -> Vec<MoveSource> {
        vec![MoveSource {
            provider: "hashicorp/aws",
            type_name: "aws_member",
        }]
    }

    /// A source with a `broken` attribute moves with its `id` unknown.
    async fn move_state(&self, req: MoveStateRequest, resp: &mut MoveStateResponse) {
        let Some(account) = req.source_state.get("account_id").and_then(|a| a.as_str()) else {
            resp.diagnostics
                .error("No account", "the source has no account_id");
            return;
        };
        let mut state = member(account, Value::Null);
        if req.source_state.get("broken").is_some() {
            state.set_attr("id", Value::unknown()).expect("an object");
        }
        resp.state = state;
    }
}

/// The `test_member` listing: one result per lab account, its identity left to the engine;
/// an empty `principal` is refused.
pub struct Members;

#[async_trait]
impl ListResource<Arc<Lab>> for Members {
    fn config_schema(&self) -> Schema {
        schema([("principal", Attribute::optional(Type::String))])
    }

    async fn validate_config(
        &self,
        req: list_resource::ValidateConfigRequest,
        resp: &mut list_resource::ValidateConfigResponse,
    ) {
        if req.config.attr("principal").as_str() == Some("") {
            resp.diagnostics
                .error("Empty principal", "name a principal");
        }
    }

    async fn list(
        &self,
        ctx: &Context<Arc<Lab>>,
        _req: ListRequest,
        results: &ListResults,
        resp: &mut ListResponse,
    ) {
        let lab = ctx.provider_data();
        for (i, account) in lab.accounts.iter().enumerate() {
            if lab.fail_at == Some(i) {
                resp.diagnostics
                    .error("Page failed", "AWS refused the next page");
                return;
            }
            if lab.warn_at == Some(i) {
                let warning = Diagnostic::warning("Member skipped", format!("{account} is away"));
                if !results.warn(warning).await {
                    return;
                }
                continue;
            }
            let result = ListResult {
                identity: Value::Null,
                display_name: (*account).to_owned(),
                resource_object: member(account, Value::Null),
            };
            if !results.push(result).await {
                return;
            }
            lab.pushed.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// A list type without a managed resource type of its name that has an identity.
pub struct Orphan;

#[async_trait]
impl ListResource<Arc<Lab>> for Orphan {
    fn config_schema(&self) -> Schema {
        Schema::new(0, Block::new())
    }

    async fn list(
        &self,
        _ctx: &Context<Arc<Lab>>,
        _req: ListRequest,
        _results: &ListResults,
        _resp: &mut ListResponse,
    ) {
    }
}
