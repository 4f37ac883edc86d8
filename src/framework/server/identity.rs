//! Resource identity in the engine's answers: derived from the state where the resource left
//! it null, and checked once for every resource type with the diagnostics of
//! terraform-plugin-framework. Terraform cannot recover from a stored all-null identity
//! (terraform-provider-aws #43199, #44182), so none is ever answered.

use super::ResourceHandle;
use crate::cty::{self, Type, Value};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::IdentitySchema;
use crate::framework::values::ValueExt;

/// `given`, or when null the identity derived from `state`; null when the type has no
/// identity schema, when `state` is null, or when every attribute is null.
pub(super) fn resolve<D: Send + Sync + 'static>(
    resource: &ResourceHandle<D>,
    given: Value,
    state: &Value,
) -> Value {
    let Some(schema) = resource.identity_schema() else {
        return Value::Null;
    };
    let identity = if given.is_null() && !state.is_null() {
        resource.implementation.identity_from_state(schema, state)
    } else {
        given
    };
    if schema.is_all_null(&identity) {
        Value::Null
    } else {
        identity
    }
}

/// The identity a stored identity is compared with, and what each is called in the
/// "Unexpected Identity Change" diagnostic.
pub(super) struct Kept<'a> {
    pub prior_label: &'static str,
    pub prior: &'a Value,
    pub new_label: &'static str,
}

/// The identity to answer after `operation` (`Read`, `Create`, `Update`, `Import`, `Move`)
/// succeeded with `state`: `given` or derived, present, wholly known and, with `kept`,
/// keeping every non-null attribute of the stored identity (an attribute the stored identity
/// left null may be filled in, as on the first read after an import). `Err` holds the
/// errors; the caller then answers with the identity it had.
pub(super) fn after<D: Send + Sync + 'static>(
    resource: &ResourceHandle<D>,
    operation: &str,
    given: Value,
    state: &Value,
    kept: Option<Kept<'_>>,
) -> Result<Value, Diagnostics> {
    let (Some(schema), Some(ty)) = (resource.identity_schema(), resource.identity_type()) else {
        return Ok(Value::Null);
    };
    if state.is_null() {
        return Ok(Value::Null);
    }
    let identity = resolve(resource, given, state);
    let mut diags = Diagnostics::new();
    if identity.is_null() {
        diags.error(
            format!("Missing Resource Identity After {operation}"),
            format!(
                "The Terraform Provider unexpectedly returned no resource identity data after \
                 having no errors in the resource {}. This is always an issue in the Terraform \
                 Provider and should be reported to the provider developers.",
                operation.to_lowercase()
            ),
        );
    } else if !identity.is_wholly_known() {
        diags.error(
            format!("Unknown Resource Identity After {operation}"),
            format!(
                "The Terraform Provider returned resource identity data with unknown values \
                 after the resource {}: {}. This is always an issue in the Terraform Provider \
                 and should be reported to the provider developers.",
                operation.to_lowercase(),
                show(&identity, ty)
            ),
        );
    } else if let Some(kept) = kept
        && changes_stored(schema, kept.prior, &identity)
    {
        diags.push(unexpected_change(
            &operation.to_lowercase(),
            (kept.prior_label, &show(kept.prior, ty)),
            (kept.new_label, &show(&identity, ty)),
        ));
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(identity)
    }
}

/// Whether `new` differs from `stored` in an attribute `stored` sets (one `stored` leaves
/// null may be filled in).
pub(super) fn changes_stored(schema: &IdentitySchema, stored: &Value, new: &Value) -> bool {
    schema.attributes().keys().any(|name| {
        let before = stored.attr(name);
        !before.is_null() && !before.semantically_equal(new.attr(name))
    })
}

/// terraform-plugin-framework's "Unexpected Identity Change", with both identities shown.
pub(super) fn unexpected_change(
    operation: &str,
    (prior_label, prior): (&str, &str),
    (new_label, new): (&str, &str),
) -> Diagnostic {
    Diagnostic::error(
        "Unexpected Identity Change",
        format!(
            "During the {operation} operation, the Terraform Provider unexpectedly returned a \
             different identity than the previously stored one.\n\nThis is always a problem \
             with the provider and should be reported to the provider developer.\n\n\
             {prior_label}: {prior}\n\n{new_label}: {new}"
        ),
    )
}

/// `identity` as JSON for a diagnostic (identities hold names, never secrets).
pub(super) fn show(identity: &Value, ty: &Type) -> String {
    if !identity.is_wholly_known() {
        return format!("{identity:?}");
    }
    cty::json::encode(identity, ty)
        .map(|json| String::from_utf8_lossy(&json).into_owned())
        .unwrap_or_else(|_| format!("{identity:?}"))
}
