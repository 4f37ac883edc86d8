//! How a root-credential report reads as attribute values, shared by the member and the
//! organization data sources (and the removal resource's `remaining`).

use crate::aws::{RootAccessKey, RootCredentialReport};
use crate::cty::{Type, Value};
use crate::framework::attributes::object;
use crate::framework::schema::{Attribute, Block};

/// Whether a root password exists.
pub const PASSWORD: &str = "password";
/// When the root password was created (RFC 3339), or null.
pub const PASSWORD_CREATED: &str = "password_created";
/// The root access keys.
pub const ACCESS_KEYS: &str = "access_keys";
/// The root signing certificate ids.
pub const SIGNING_CERTIFICATES: &str = "signing_certificates";
/// The root MFA device serial numbers.
pub const MFA_DEVICES: &str = "mfa_devices";
/// Whether any of the above exists.
pub const HAS_CREDENTIALS: &str = "has_credentials";

const KEY_ID: &str = "id";
const KEY_STATUS: &str = "status";
const KEY_CREATED: &str = "created";
const KEY_LAST_USED: &str = "last_used";

fn access_key_type() -> Type {
    Type::object([
        (KEY_ID, Type::String),
        (KEY_STATUS, Type::String),
        (KEY_CREATED, Type::String),
        (KEY_LAST_USED, Type::String),
    ])
}

fn access_key_value(key: &RootAccessKey) -> Value {
    object([
        (KEY_ID, Value::from(key.id.as_str())),
        (KEY_STATUS, Value::from(key.status.as_str())),
        (KEY_CREATED, Value::from(key.created.as_str())),
        (
            KEY_LAST_USED,
            if key.last_used.is_empty() {
                Value::Null
            } else {
                Value::from(key.last_used.as_str())
            },
        ),
    ])
}

fn strings(items: &[String]) -> Value {
    Value::List(items.iter().map(|s| Value::from(s.as_str())).collect())
}

/// The report's attributes, by name.
pub fn report_attributes(report: &RootCredentialReport) -> [(&'static str, Value); 6] {
    [
        (PASSWORD, Value::Bool(report.password_created.is_some())),
        (
            PASSWORD_CREATED,
            report
                .password_created
                .as_deref()
                .map_or(Value::Null, Value::from),
        ),
        (
            ACCESS_KEYS,
            Value::List(report.access_keys.iter().map(access_key_value).collect()),
        ),
        (SIGNING_CERTIFICATES, strings(&report.signing_certificates)),
        (MFA_DEVICES, strings(&report.mfa_devices)),
        (HAS_CREDENTIALS, Value::Bool(report.has_credentials())),
    ]
}

/// The report's attributes, all null (an account that could not be audited).
pub fn null_attributes() -> [(&'static str, Value); 6] {
    [
        PASSWORD,
        PASSWORD_CREATED,
        ACCESS_KEYS,
        SIGNING_CERTIFICATES,
        MFA_DEVICES,
        HAS_CREDENTIALS,
    ]
    .map(|name| (name, Value::Null))
}

/// The report's attribute types, by name, with their descriptions.
pub fn report_types() -> [(&'static str, Type, &'static str); 6] {
    [
        (
            PASSWORD,
            Type::Bool,
            "Whether the root user has a console password.",
        ),
        (
            PASSWORD_CREATED,
            Type::String,
            "When the root password was created (RFC 3339); null without one.",
        ),
        (
            ACCESS_KEYS,
            Type::list(access_key_type()),
            "The root access keys, each with `id`, `status` (`Active` or `Inactive`), `created` \
             and `last_used` (RFC 3339; null when never used).",
        ),
        (
            SIGNING_CERTIFICATES,
            Type::list(Type::String),
            "The ids of the root user's X.509 signing certificates.",
        ),
        (
            MFA_DEVICES,
            Type::list(Type::String),
            "The serial numbers of the root user's MFA devices.",
        ),
        (
            HAS_CREDENTIALS,
            Type::Bool,
            "Whether the root user has any of the above.",
        ),
    ]
}

/// The object type of one report (for nested lists of accounts).
pub fn report_object_type(extra: &[(&'static str, Type)]) -> Type {
    Type::object(
        report_types()
            .into_iter()
            .map(|(name, ty, _)| (name, ty))
            .chain(extra.iter().cloned()),
    )
}

/// `block` with the report's attributes added as computed.
pub fn with_report_attributes(mut block: Block) -> Block {
    for (name, ty, description) in report_types() {
        block = block.attribute(name, Attribute::computed(ty).description(description));
    }
    block
}
