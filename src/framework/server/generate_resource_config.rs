//! GenerateResourceConfig: the configuration `-generate-config-out` writes for an imported
//! or listed object. The engine's default keeps what a user would write to describe the
//! object, so that the plan after the import is empty; the resource may refine it.

use super::planning::walk_schema;
use super::{ResourceHandle, Server};
use crate::cty::Value;
use crate::framework::provider::Provider;
use crate::framework::resource::{GenerateConfigRequest, GenerateConfigResponse};
use crate::framework::schema::{AttributeMode, Schema};

impl<P: Provider> Server<P> {
    /// The configuration for `state`: the engine's default (the state without computed-only
    /// attributes and values equal to their schema default), then
    /// the resource's `generate_config`. Null whenever there are errors.
    pub async fn generate_resource_config(
        &self,
        resource: &ResourceHandle<P::Data>,
        state: Value,
    ) -> GenerateConfigResponse {
        let mut resp = GenerateConfigResponse {
            config: default_config(resource.schema(), &state),
            ..GenerateConfigResponse::default()
        };
        resource
            .implementation
            .generate_config(GenerateConfigRequest { state }, &mut resp)
            .await;
        if !resp.config.is_null() && !resp.config.is_wholly_known() {
            resp.diagnostics.error(
                "Invalid Generated Configuration",
                "The resource generated a configuration with unknown values. This is a bug in \
                 the provider, please report it.",
            );
        }
        if resp.diagnostics.has_errors() {
            resp.config = Value::Null;
        }
        resp
    }
}

/// `state` with every computed-only attribute null (the configuration cannot set them) and
/// every attribute equal to its schema default null (leaving it out plans the same value),
/// nested blocks included. Optional attributes the provider computed keep their values: the
/// configuration then states what the object has, and plans no change.
pub(super) fn default_config(schema: &Schema, state: &Value) -> Value {
    let mut config = state.clone();
    walk_schema(
        schema,
        &Value::Null,
        None,
        &mut config,
        &mut |_, attr, _, _, value| {
            let defaulted = attr
                .default()
                .is_some_and(|default| default.semantically_equal(value));
            if attr.mode() == AttributeMode::Computed || defaulted {
                *value = Value::Null;
            }
        },
    );
    config
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cty::Type;
    use crate::framework::schema::{Attribute, Block, NestedBlock, Nesting};
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
}
