//! GenerateResourceConfig: the engine's default configuration, alone and for a served type.

use super::*;
use crate::cty::Type;
use crate::framework::schema::{Attribute, Block, NestedBlock, Nesting};
use crate::framework::server::test_support::{
    Lab, assert_no_diagnostics, configured, member, member_config, served,
};
use crate::framework::values::ValueExt;
use crate::framework::values::test_values::{id_name_label, with_attrs};

#[test]
fn drops_computed_only_and_defaulted_values() {
    let schema = Schema::new(
        0,
        id_name_label()
            .attribute(
                "mode",
                Attribute::optional(Type::String).default_value(Value::from("standard")),
            )
            .block(
                "rule",
                NestedBlock::new(
                    Nesting::List,
                    Block::new()
                        .attribute("name", Attribute::required(Type::String))
                        .attribute("rule_id", Attribute::computed(Type::String)),
                ),
            ),
    );
    let rule = |name: &str, id: Value| {
        crate::framework::attributes::object([("name", Value::from(name)), ("rule_id", id)])
    };
    let mut state = with_attrs(
        &schema.empty_value(),
        &[
            ("id", Value::from("i-1")),
            ("name", Value::from("a")),
            ("label", Value::from("chosen")),
            ("mode", Value::from("standard")),
            ("rule", Value::List(vec![rule("r", Value::from("r-1"))])),
        ],
    );
    let config = default_config(&schema, &state);
    let want = with_attrs(
        &schema.empty_value(),
        &[
            ("name", Value::from("a")),
            ("label", Value::from("chosen")),
            ("rule", Value::List(vec![rule("r", Value::Null)])),
        ],
    );
    assert_eq!(config, want);

    state
        .set_attr("mode", Value::from("adaptive"))
        .expect("an object");
    assert_eq!(
        default_config(&schema, &state).attr("mode"),
        &Value::from("adaptive"),
        "a value other than the default is kept"
    );
}

#[tokio::test]
async fn generated_configuration_leaves_out_computed_and_default_values() {
    let (server, _) = configured(Lab::default()).await;
    let resource = served(server.resources(), "test_member");
    let resp = server
        .generate_resource_config(resource, member("111", Value::from("kept")))
        .await;
    assert_no_diagnostics(&resp.diagnostics);
    assert_eq!(
        resp.config,
        member_config(Value::from("111"), Value::from("kept"))
    );
}
