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
#[path = "generate_resource_config_tests.rs"]
mod tests;
