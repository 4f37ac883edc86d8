//! Engine behaviour of the opt-in capabilities: resource identity, import by identity,
//! identity upgrade, generated configuration, moves and list resources.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use futures::StreamExt;

use super::test_support::{TestProvider, configure};
use super::{Change, ListEvent, MoveSourceState, Server};
use crate::cty::{Type, Value};
use crate::framework::context::Context;
use crate::framework::list_resource::{
    ListRequest, ListResource, ListResponse, ListResult, ListResults, ValidateConfigRequest,
    ValidateConfigResponse,
};
use crate::framework::resource::{
    CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, ImportStateRequest,
    ImportStateResponse, ModifyPlanRequest, ModifyPlanResponse, MoveSource, MoveStateRequest,
    MoveStateResponse, ReadRequest, ReadResponse, Resource, UpdateRequest, UpdateResponse,
};
use crate::framework::schema::{Attribute, Block, IdentityAttribute, IdentitySchema, Schema};
use crate::framework::values::ValueExt;
use crate::framework::values::test_values::obj;

/// What the list resource finds, and how far it got.
#[derive(Default)]
struct Fixture {
    accounts: Vec<&'static str>,
    /// The listing fails when it reaches this account.
    fail_at: Option<usize>,
    pushed: AtomicUsize,
}

type Capable = TestProvider<Fixture>;

/// A provider serving `test_member` and `test_plain`, with list types for both and for a
/// type it does not serve.
fn capable(fixture: Arc<Fixture>) -> Capable {
    let mut provider = TestProvider::new("test", fixture);
    provider.resources = vec![Arc::new(Member), Arc::new(Plain)];
    provider.list_resources = vec![
        Arc::new(Members),
        Arc::new(Orphan("test_nothing")),
        Arc::new(Orphan("test_plain")),
    ];
    provider
}

/// `note` values that make `test_member` misbehave.
const FORGET: &str = "forget identity";
const OTHER: &str = "other identity";

/// `test_member`: an account registration whose identity (account, principal) is read from
/// its state by default.
struct Member;

fn member_schema() -> Schema {
    Schema::new(
        0,
        Block::new()
            .attribute("id", Attribute::computed(Type::String))
            .attribute("account_id", Attribute::required(Type::String))
            .attribute(
                "principal",
                Attribute::optional(Type::String).default_value(Value::from("iam")),
            )
            .attribute("note", Attribute::optional(Type::String)),
    )
}

fn member(account: &str, note: Value) -> Value {
    obj(&[
        ("id", Value::from(account)),
        ("account_id", Value::from(account)),
        ("principal", Value::from("iam")),
        ("note", note),
    ])
}

fn identity(account: Value, principal: Value) -> Value {
    obj(&[("account_id", account), ("principal", principal)])
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
impl Resource<Arc<Fixture>> for Member {
    fn type_name(&self) -> &'static str {
        "test_member"
    }

    fn schema(&self) -> Schema {
        member_schema()
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
        _ctx: &Context<Arc<Fixture>>,
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

    async fn read(&self, _ctx: &Context<Arc<Fixture>>, req: ReadRequest, resp: &mut ReadResponse) {
        resp.identity = misbehave(&req.state).unwrap_or(Value::Null);
    }

    async fn update(
        &self,
        _ctx: &Context<Arc<Fixture>>,
        req: UpdateRequest,
        resp: &mut UpdateResponse,
    ) {
        resp.identity = misbehave(&req.planned_state).unwrap_or(Value::Null);
        resp.state = req.planned_state;
    }

    async fn delete(
        &self,
        _ctx: &Context<Arc<Fixture>>,
        _req: DeleteRequest,
        _resp: &mut DeleteResponse,
    ) {
    }

    async fn modify_plan(
        &self,
        _ctx: &Context<Arc<Fixture>>,
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
        _ctx: &Context<Arc<Fixture>>,
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

/// `test_plain`: no identity, no moves.
struct Plain;

#[async_trait]
impl Resource<Arc<Fixture>> for Plain {
    fn type_name(&self) -> &'static str {
        "test_plain"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new().attribute("id", Attribute::computed(Type::String)),
        )
    }

    async fn create(
        &self,
        _ctx: &Context<Arc<Fixture>>,
        _req: CreateRequest,
        _resp: &mut CreateResponse,
    ) {
    }

    async fn read(
        &self,
        _ctx: &Context<Arc<Fixture>>,
        _req: ReadRequest,
        _resp: &mut ReadResponse,
    ) {
    }

    async fn update(
        &self,
        _ctx: &Context<Arc<Fixture>>,
        _req: UpdateRequest,
        _resp: &mut UpdateResponse,
    ) {
    }

    async fn delete(
        &self,
        _ctx: &Context<Arc<Fixture>>,
        _req: DeleteRequest,
        _resp: &mut DeleteResponse,
    ) {
    }
}

/// The `test_member` listing: one result per fixture account, its identity left to the
/// engine.
struct Members;

#[async_trait]
impl ListResource<Arc<Fixture>> for Members {
    fn type_name(&self) -> &'static str {
        "test_member"
    }

    fn config_schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new().attribute("principal", Attribute::optional(Type::String)),
        )
    }

    async fn validate_config(&self, req: ValidateConfigRequest, resp: &mut ValidateConfigResponse) {
        if req.config.attr("principal").as_str() == Some("") {
            resp.diagnostics
                .error("Empty principal", "name a principal");
        }
    }

    async fn list(
        &self,
        ctx: &Context<Arc<Fixture>>,
        _req: ListRequest,
        results: &ListResults,
        resp: &mut ListResponse,
    ) {
        let fixture = ctx.provider_data();
        for (i, account) in fixture.accounts.iter().enumerate() {
            if fixture.fail_at == Some(i) {
                resp.diagnostics
                    .error("Page failed", "AWS refused the next page");
                return;
            }
            let result = ListResult {
                identity: Value::Null,
                display_name: (*account).to_owned(),
                resource_object: member(account, Value::Null),
            };
            if !results.push(result).await {
                return;
            }
            fixture.pushed.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// A list type without a managed resource type of its name that has an identity.
struct Orphan(&'static str);

#[async_trait]
impl ListResource<Arc<Fixture>> for Orphan {
    fn type_name(&self) -> &'static str {
        self.0
    }

    fn config_schema(&self) -> Schema {
        Schema::new(0, Block::new())
    }

    async fn list(
        &self,
        _ctx: &Context<Arc<Fixture>>,
        _req: ListRequest,
        _results: &ListResults,
        _resp: &mut ListResponse,
    ) {
    }
}

async fn configured(fixture: Fixture) -> (Server<Capable>, Arc<Fixture>) {
    let fixture = Arc::new(fixture);
    let server = Server::new(capable(Arc::clone(&fixture)));
    configure(&server).await;
    (server, fixture)
}

fn summaries(diags: &crate::framework::diagnostics::Diagnostics) -> Vec<&str> {
    diags.iter().map(|d| d.summary.as_str()).collect()
}

async fn read(server: &Server<Capable>, state: Value, stored: Value) -> ReadResponse {
    let resource = server.resource("test_member").expect("served");
    server
        .read_resource(
            resource,
            ReadRequest {
                state,
                private: Vec::new(),
                identity: stored,
            },
        )
        .await
}

#[tokio::test]
async fn types_opt_in_and_list_types_need_an_identity() {
    let (server, _) = configured(Fixture::default()).await;
    assert!(
        server
            .resource("test_member")
            .unwrap()
            .identity_schema()
            .is_some()
    );
    assert!(
        server
            .resource("test_plain")
            .unwrap()
            .identity_schema()
            .is_none()
    );
    let lists: Vec<_> = server.list_resources().map(|l| l.type_name()).collect();
    assert_eq!(
        lists,
        ["test_member"],
        "orphans and types without identity are refused"
    );
    let caps = server.capabilities();
    assert!(caps.move_resource_state && caps.generate_resource_config);
}

#[tokio::test]
async fn read_derives_the_identity_and_keeps_the_stored_one() {
    let (server, _) = configured(Fixture::default()).await;
    let state = member("111", Value::Null);
    let full = identity(Value::from("111"), Value::from("iam"));
    let cases = [
        ("none stored: first read after an import", Value::Null),
        ("same as stored", full.clone()),
        (
            "a null attribute filled in",
            identity(Value::from("111"), Value::Null),
        ),
    ];
    for (name, stored) in cases {
        let resp = read(&server, state.clone(), stored).await;
        assert!(
            resp.diagnostics.is_empty(),
            "{name}: {:?}",
            resp.diagnostics
        );
        assert_eq!(resp.identity, full, "{name}");
    }

    let stored = identity(Value::from("222"), Value::from("iam"));
    let resp = read(&server, state.clone(), stored.clone()).await;
    assert_eq!(summaries(&resp.diagnostics), ["Unexpected Identity Change"]);
    let detail = &resp.diagnostics.iter().next().unwrap().detail;
    assert!(
        detail.contains(r#"Current Identity: {"account_id":"222","principal":"iam"}"#)
            && detail.contains(r#"New Identity: {"account_id":"111","principal":"iam"}"#),
        "{detail}"
    );
    assert_eq!(resp.identity, stored, "the stored identity is kept");

    let resp = read(&server, member("111", Value::from(FORGET)), full.clone()).await;
    assert_eq!(
        summaries(&resp.diagnostics),
        ["Missing Resource Identity After Read"]
    );
    assert_eq!(resp.identity, full);

    let gone = read(&server, Value::Null, full).await;
    assert_eq!(gone.identity, Value::Null);
}

async fn plan(
    server: &Server<Capable>,
    prior: &Value,
    config: Value,
    prior_identity: Value,
) -> ModifyPlanResponse {
    let resource = server.resource("test_member").expect("served");
    let proposed = if config.is_null() {
        Value::Null
    } else {
        let mut proposed = config.clone();
        if !prior.is_null() {
            proposed
                .set_attr("id", prior.attr("id").clone())
                .expect("an object");
        }
        proposed
    };
    server
        .plan_resource_change(
            resource,
            proposed,
            ModifyPlanRequest {
                config,
                prior_state: prior.clone(),
                prior_private: Vec::new(),
                prior_identity,
            },
        )
        .await
}

fn config(account: Value, note: Value) -> Value {
    obj(&[
        ("id", Value::Null),
        ("account_id", account),
        ("principal", Value::Null),
        ("note", note),
    ])
}

#[tokio::test]
async fn plan_keeps_the_stored_identity() {
    let (server, _) = configured(Fixture::default()).await;
    let full = identity(Value::from("111"), Value::from("iam"));

    let create = plan(
        &server,
        &Value::Null,
        config(Value::from("111"), Value::Null),
        Value::Null,
    )
    .await;
    assert!(create.diagnostics.is_empty(), "{:?}", create.diagnostics);
    assert_eq!(create.planned_identity, full);
    let unknown = plan(
        &server,
        &Value::Null,
        config(Value::unknown(), Value::Null),
        Value::Null,
    )
    .await;
    assert_eq!(
        unknown.planned_identity,
        Value::Null,
        "a create plan whose identity is not known yet plans none (Terraform cannot render it)"
    );

    let prior = member("111", Value::Null);
    let update = plan(
        &server,
        &prior,
        config(Value::from("111"), Value::from("n")),
        full.clone(),
    )
    .await;
    assert!(update.diagnostics.is_empty(), "{:?}", update.diagnostics);
    assert_eq!(update.planned_identity, full);
    let none_stored = plan(
        &server,
        &prior,
        config(Value::from("111"), Value::from("n")),
        Value::Null,
    )
    .await;
    assert_eq!(
        none_stored.planned_identity, full,
        "derived from the prior state"
    );
    let destroy = plan(&server, &prior, Value::Null, full.clone()).await;
    assert_eq!(destroy.planned_identity, full);

    let changed = plan(
        &server,
        &prior,
        config(Value::from("111"), Value::from(OTHER)),
        full,
    )
    .await;
    assert_eq!(
        summaries(&changed.diagnostics),
        ["Unexpected Identity Change"]
    );
}

async fn apply(server: &Server<Capable>, change: Change) -> super::ApplyResourceChangeResponse {
    let resource = server.resource("test_member").expect("served");
    server.apply_resource_change(resource, change).await
}

#[tokio::test]
async fn apply_answers_an_identity() {
    let (server, _) = configured(Fixture::default()).await;
    let full = identity(Value::from("111"), Value::from("iam"));
    let planned = |note: Value| {
        let mut p = member("111", note);
        p.set_attr("id", Value::unknown()).expect("an object");
        p
    };
    let create = |note: Value| {
        Change::new(
            Value::Null,
            planned(note.clone()),
            config(Value::from("111"), note),
            Vec::new(),
            identity(Value::from("111"), Value::from("iam")),
        )
    };
    let created = apply(&server, create(Value::Null)).await;
    assert!(created.diagnostics.is_empty(), "{:?}", created.diagnostics);
    assert_eq!(created.new_identity, full);
    let forgot = apply(&server, create(Value::from(FORGET))).await;
    assert_eq!(
        summaries(&forgot.diagnostics),
        ["Missing Resource Identity After Create"]
    );
    assert_eq!(forgot.new_identity, Value::Null, "never all null");

    let update = |note: &str| {
        Change::new(
            member("111", Value::Null),
            member("111", Value::from(note)),
            config(Value::from("111"), Value::from(note)),
            Vec::new(),
            full.clone(),
        )
    };
    let updated = apply(&server, update("n")).await;
    assert!(updated.diagnostics.is_empty(), "{:?}", updated.diagnostics);
    assert_eq!(updated.new_identity, full);
    let changed = apply(&server, update(OTHER)).await;
    assert_eq!(
        summaries(&changed.diagnostics),
        ["Unexpected Identity Change"]
    );
    assert_eq!(changed.new_identity, full, "the planned identity is kept");

    let deleted = apply(
        &server,
        Change::new(
            member("111", Value::Null),
            Value::Null,
            Value::Null,
            Vec::new(),
            full,
        ),
    )
    .await;
    assert_eq!(deleted.new_identity, Value::Null);
}

async fn import(
    server: &Server<Capable>,
    type_name: &str,
    id: &str,
    identity: Value,
) -> ImportStateResponse {
    let resource = server.resource(type_name).expect("served");
    server
        .import_resource_state(
            resource,
            ImportStateRequest {
                id: id.to_owned(),
                identity,
            },
        )
        .await
}

#[tokio::test]
async fn import_by_id_and_by_identity() {
    let (server, _) = configured(Fixture::default()).await;
    let by_id = import(&server, "test_member", "111", Value::Null).await;
    assert!(by_id.diagnostics.is_empty(), "{:?}", by_id.diagnostics);
    assert_eq!(by_id.state.attr("id"), &Value::from("111"));
    assert_eq!(by_id.identity, Value::Null, "left to the read that follows");

    let by_identity = import(
        &server,
        "test_member",
        "",
        identity(Value::from("111"), Value::Null),
    )
    .await;
    assert!(
        by_identity.diagnostics.is_empty(),
        "{:?}",
        by_identity.diagnostics
    );
    assert_eq!(by_identity.state, member("111", Value::Null));
    assert_eq!(
        by_identity.identity,
        identity(Value::from("111"), Value::from("iam"))
    );

    let missing = import(
        &server,
        "test_member",
        "",
        identity(Value::Null, Value::from("iam")),
    )
    .await;
    assert_eq!(
        summaries(&missing.diagnostics),
        ["Missing Identity Attribute"]
    );
    assert!(
        missing
            .diagnostics
            .iter()
            .next()
            .unwrap()
            .detail
            .contains("account_id")
    );
    let plain = import(&server, "test_plain", "", obj(&[])).await;
    assert_eq!(
        summaries(&plain.diagnostics),
        ["Resource Identity Not Supported"]
    );
}

#[tokio::test]
async fn identity_upgrade_reads_version_zero_only() {
    let (server, _) = configured(Fixture::default()).await;
    let resource = server.resource("test_member").unwrap();
    let current = server.upgrade_resource_identity(resource, 0, br#"{"account_id":"111"}"#);
    assert!(current.diagnostics.is_empty(), "{:?}", current.diagnostics);
    assert_eq!(current.identity, identity(Value::from("111"), Value::Null));
    let empty = server.upgrade_resource_identity(resource, 0, b"");
    assert_eq!(empty.identity, Value::Null);
    let newer = server.upgrade_resource_identity(resource, 1, br#"{"account_id":"111"}"#);
    assert_eq!(
        summaries(&newer.diagnostics),
        ["Unable to Upgrade Resource Identity"]
    );
    assert!(
        newer
            .diagnostics
            .iter()
            .next()
            .unwrap()
            .detail
            .contains("version 1")
    );
    let plain = server.resource("test_plain").unwrap();
    let none = server.upgrade_resource_identity(plain, 0, b"{}");
    assert_eq!(
        summaries(&none.diagnostics),
        ["Unable to Upgrade Resource Identity"]
    );
}

#[tokio::test]
async fn generated_configuration_leaves_out_computed_and_default_values() {
    let (server, _) = configured(Fixture::default()).await;
    let resource = server.resource("test_member").unwrap();
    let resp = server
        .generate_resource_config(resource, member("111", Value::from("kept")))
        .await;
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(resp.config, config(Value::from("111"), Value::from("kept")));
}

fn source(provider: &str, type_name: &str, state: &str) -> MoveSourceState {
    MoveSourceState {
        provider_address: provider.to_owned(),
        type_name: type_name.to_owned(),
        schema_version: 0,
        state_json: state.as_bytes().to_vec(),
        private: Vec::new(),
        identity_json: Vec::new(),
    }
}

#[tokio::test]
async fn moves_from_listed_sources_only() {
    let (server, _) = configured(Fixture::default()).await;
    let resource = server.resource("test_member").unwrap();
    let aws = "registry.terraform.io/hashicorp/aws";
    let moved = server
        .move_resource_state(
            resource,
            source(aws, "aws_member", r#"{"account_id":"111"}"#),
        )
        .await;
    assert!(moved.diagnostics.is_empty(), "{:?}", moved.diagnostics);
    assert_eq!(moved.state, member("111", Value::Null));
    assert_eq!(
        moved.identity,
        identity(Value::from("111"), Value::from("iam"))
    );

    let other = server
        .move_resource_state(resource, source(aws, "aws_instance", "{}"))
        .await;
    assert_eq!(summaries(&other.diagnostics), ["Unsupported Resource Move"]);
    let detail = &other.diagnostics.iter().next().unwrap().detail;
    assert!(
        detail.contains("aws_instance")
            && detail.contains(aws)
            && detail.contains("aws_member from hashicorp/aws"),
        "names what was given and what is accepted: {detail}"
    );
    let plain = server.resource("test_plain").unwrap();
    let refused = server
        .move_resource_state(plain, source(aws, "aws_member", "{}"))
        .await;
    assert!(
        refused
            .diagnostics
            .iter()
            .next()
            .unwrap()
            .detail
            .contains("no resource type of another provider"),
        "{:?}",
        refused.diagnostics
    );

    let unreadable = server
        .move_resource_state(resource, source(aws, "aws_member", "{not json"))
        .await;
    assert_eq!(
        summaries(&unreadable.diagnostics),
        ["Unable to Read Source State"]
    );
    let unknown = server
        .move_resource_state(
            resource,
            source(aws, "aws_member", r#"{"account_id":"1","broken":1}"#),
        )
        .await;
    assert_eq!(
        summaries(&unknown.diagnostics),
        ["Unknown Value After Move"]
    );
    assert_eq!(unknown.state, Value::Null);
}

async fn list(server: &Server<Capable>, include: bool, limit: i64) -> Vec<ListEvent> {
    let list = server.list_resource("test_member").unwrap();
    let req = ListRequest {
        config: obj(&[("principal", Value::Null)]),
        include_resource_object: include,
        limit,
    };
    server.stream_list_resource(list, req).collect().await
}

#[tokio::test]
async fn list_streams_results_with_identities() {
    let (server, _) = configured(Fixture {
        accounts: vec!["111", "222"],
        ..Fixture::default()
    })
    .await;
    let events = list(&server, true, 100).await;
    let got: Vec<_> = events
        .iter()
        .map(|e| {
            (
                e.display_name.as_str(),
                e.identity.clone(),
                e.resource_object.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "111",
                identity(Value::from("111"), Value::from("iam")),
                Some(member("111", Value::Null))
            ),
            (
                "222",
                identity(Value::from("222"), Value::from("iam")),
                Some(member("222", Value::Null))
            ),
        ]
    );
    let without = list(&server, false, 100).await;
    assert!(
        without
            .iter()
            .all(|e| e.resource_object.is_none() && !e.identity.is_null())
    );
    assert_eq!(without.len(), 2);
}

#[tokio::test]
async fn list_stops_at_the_limit() {
    let (server, fixture) = configured(Fixture {
        accounts: vec!["1", "2", "3", "4", "5", "6"],
        ..Fixture::default()
    })
    .await;
    let events = list(&server, false, 2).await;
    let names: Vec<_> = events.iter().map(|e| e.display_name.as_str()).collect();
    assert_eq!(names, ["1", "2"]);
    // One result may wait in the channel when the limit is reached; the listing stops there.
    assert!(fixture.pushed.load(Ordering::SeqCst) <= 3);
    assert!(list(&server, false, 0).await.is_empty());
}

#[tokio::test]
async fn a_failed_listing_ends_with_its_error() {
    let (server, _) = configured(Fixture {
        accounts: vec!["111", "222", "333"],
        fail_at: Some(1),
        ..Fixture::default()
    })
    .await;
    let events = list(&server, false, 100).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0].display_name, "111");
    assert_eq!(summaries(&events[1].diagnostics), ["Page failed"]);
    assert!(events[1].identity.is_null());
}

#[tokio::test]
async fn list_config_is_validated() {
    let (server, _) = configured(Fixture::default()).await;
    let list = server.list_resource("test_member").unwrap();
    let resp = server
        .validate_config(
            list,
            ValidateConfigRequest {
                config: obj(&[("principal", Value::from(""))]),
            },
        )
        .await;
    assert_eq!(summaries(&resp.diagnostics), ["Empty principal"]);
    let unconfigured = Server::new(capable(Arc::default()));
    let list = unconfigured.list_resource("test_member").unwrap();
    let events: Vec<_> = unconfigured
        .stream_list_resource(
            list,
            ListRequest {
                config: obj(&[("principal", Value::Null)]),
                include_resource_object: false,
                limit: 10,
            },
        )
        .collect()
        .await;
    assert_eq!(events.len(), 1);
    assert_eq!(
        summaries(&events[0].diagnostics),
        ["Provider Not Configured"]
    );
}
