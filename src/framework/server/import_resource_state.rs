//! ImportResourceState: the resource turns an ID or an identity into a state, starting from
//! the schema's empty value.

use super::identity;
use super::{Failed, ResourceHandle, Server};
use crate::cty::Value;
use crate::framework::diagnostics::Diagnostic;
use crate::framework::provider::Provider;
use crate::framework::resource::{ImportStateRequest, ImportStateResponse};
use crate::framework::values::unknown_as_null;

impl<P: Provider> Server<P> {
    /// Imports an existing object by ID or by identity through the resource's
    /// `import_state`. The state, for Terraform to refresh with ReadResource next, is null
    /// whenever there are errors.
    ///
    /// By identity: the type must have an identity schema and the identity must set every
    /// attribute required for import; the state starts with the identity written into it,
    /// and the answer always carries an identity. By ID: the identity is derived from the
    /// state when it can be, else left for the read that follows.
    pub async fn import_resource_state(
        &self,
        resource: &ResourceHandle<P::Data>,
        req: ImportStateRequest,
    ) -> ImportStateResponse {
        let by_identity = req.by_identity();
        let mut state = resource.schema().empty_value();
        if by_identity {
            match resource.identity_schema() {
                None => {
                    return ImportStateResponse::failed(identity_not_supported(
                        resource.type_name(),
                    ));
                }
                Some(schema) => {
                    let missing = schema.missing_for_import(&req.identity);
                    if !missing.is_empty() {
                        return ImportStateResponse::failed(missing_for_import(
                            resource.type_name(),
                            &missing,
                        ));
                    }
                    schema.write_into_state(&req.identity, &mut state);
                }
            }
        }
        let requested_identity = req.identity.clone();
        let mut resp = ImportStateResponse {
            state,
            ..ImportStateResponse::default()
        };
        let import = async |ctx: &_| {
            resource
                .implementation
                .import_state(ctx, req, &mut resp)
                .await
        };
        if let Err(stopped) = self.configured(import).await {
            return ImportStateResponse::failed(stopped.diagnostic("ImportResourceState"));
        }
        if resp.diagnostics.has_errors() {
            return ImportStateResponse::failed(resp.diagnostics);
        }
        if resp.state.is_null() {
            resp.diagnostics.error(
                "Missing Resource Import State",
                "The resource returned no state for the import. This is a bug in the provider, \
                 please report it.",
            );
            return ImportStateResponse::failed(resp.diagnostics);
        }
        resp.state = unknown_as_null(resp.state);
        let given = std::mem::replace(&mut resp.identity, Value::Null);
        let derived = identity::resolve(resource, given, &resp.state);
        let given = if derived.is_null() && by_identity {
            requested_identity
        } else if derived.is_null() {
            // Importing by ID, the state may not name the object yet: the read that follows
            // derives the identity.
            return resp;
        } else {
            derived
        };
        match identity::after(resource, "Import", given, &resp.state, None) {
            Ok(identity) => resp.identity = identity,
            Err(diags) => return ImportStateResponse::failed(diags),
        }
        resp
    }
}

fn identity_not_supported(type_name: &str) -> Diagnostic {
    Diagnostic::error(
        "Resource Identity Not Supported",
        format!(
            "{type_name} has no resource identity, so it cannot be imported by identity. Use \
             `id` in the import block instead."
        ),
    )
}

fn missing_for_import(type_name: &str, missing: &[&str]) -> Diagnostic {
    Diagnostic::error(
        "Missing Identity Attribute",
        format!(
            "Importing {type_name} by identity needs {}: set it in the import block's \
             `identity`.",
            missing.join(", ")
        ),
    )
}

#[cfg(test)]
#[path = "import_resource_state_tests.rs"]
mod tests;
