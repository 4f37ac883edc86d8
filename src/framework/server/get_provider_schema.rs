//! GetProviderSchema: the schemas are the handles' ([`Server::provider`],
//! [`Server::resources`], [`Server::data_sources`]); this file holds the capabilities the
//! engine advertises.

use super::Server;
use crate::framework::provider::Provider;

/// Protocol features the engine supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerCapabilities {
    /// Destroy plans reach `PlanResourceChange` (the engine passes them through to
    /// `modify_plan`).
    pub plan_destroy: bool,
    /// Schemas never change during the process, so Terraform may cache them.
    pub get_provider_schema_optional: bool,
    /// Some resource type accepts `moved` blocks from another provider's type.
    pub move_resource_state: bool,
    /// `GenerateResourceConfig` answers for every type (the engine's default configuration,
    /// refined by the resource).
    pub generate_resource_config: bool,
}

impl<P: Provider> Server<P> {
    /// What the engine supports.
    pub fn capabilities(&self) -> ServerCapabilities {
        ServerCapabilities {
            plan_destroy: true,
            get_provider_schema_optional: true,
            move_resource_state: self
                .resources()
                .iter()
                .any(|r| !r.implementation.moved_from().is_empty()),
            generate_resource_config: true,
        }
    }
}

#[cfg(test)]
#[path = "get_provider_schema_tests.rs"]
mod tests;
