//! ValidateProviderConfig, ValidateResourceConfig, ValidateDataResourceConfig.

use super::{Server, diags_of, validation::validate_block};
use crate::cty::{AttributePath, Value};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::provider::Provider;
use crate::framework::resource::{ValidateConfigRequest, ValidateConfigResponse};
use crate::framework::schema::Schema;

fn schema_checks(schema: &Schema, config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    validate_block(
        &schema.block,
        &AttributePath::default(),
        config,
        config,
        &mut diags,
    );
    diags
}

impl<P: Provider> Server<P> {
    /// Checks the provider block: schema rules, then the provider's own checks.
    pub async fn validate_provider_config(&self, config: Value) -> Diagnostics {
        let mut diags = schema_checks(&self.provider_schema, &config);
        let mut resp = ValidateConfigResponse::default();
        self.provider
            .validate_config(ValidateConfigRequest { config }, &mut resp)
            .await;
        diags.extend(resp.diagnostics);
        diags
    }

    /// Checks a resource's configuration: schema rules, then the resource's own checks.
    pub async fn validate_resource_config(&self, type_name: &str, config: Value) -> Diagnostics {
        let entry = match self.resource(type_name) {
            Ok(entry) => entry,
            Err(diag) => return diags_of(diag),
        };
        let mut diags = schema_checks(&entry.schema, &config);
        let mut resp = ValidateConfigResponse::default();
        entry
            .resource
            .validate_config(ValidateConfigRequest { config }, &mut resp)
            .await;
        diags.extend(resp.diagnostics);
        diags
    }

    /// Checks a data source's configuration: schema rules, then the data source's own checks.
    pub async fn validate_data_source_config(&self, type_name: &str, config: Value) -> Diagnostics {
        let entry = match self.data_source(type_name) {
            Ok(entry) => entry,
            Err(diag) => return diags_of(diag),
        };
        let mut diags = schema_checks(&entry.schema, &config);
        let mut resp = ValidateConfigResponse::default();
        entry
            .data_source
            .validate_config(ValidateConfigRequest { config }, &mut resp)
            .await;
        diags.extend(resp.diagnostics);
        diags
    }
}
