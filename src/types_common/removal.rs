//! Root-credential removal shared by the removal resource and the delete action: the arguments
//! both take, read once into a [`Removal`], and how a credential is named to users.

use std::collections::BTreeSet;

use crate::aws::{CredentialKind, RootCredential};
use crate::cty::Value;
use crate::framework::attributes::{self, AttributeError};
use crate::framework::values::string_set;

pub use super::root_task::{ACCOUNT_ID, TARGETS};

/// The kinds of credential removed; every kind when null.
pub const CREDENTIAL_TYPES: &str = "credential_types";

/// The console password.
pub const PASSWORD: &str = "password";
/// Access keys.
pub const ACCESS_KEYS: &str = "access_keys";
/// Signing certificates.
pub const SIGNING_CERTIFICATES: &str = "signing_certificates";
/// MFA devices (deactivated, not deleted).
pub const MFA_DEVICES: &str = "mfa_devices";
/// Every kind, the default selection.
pub const ALL_KINDS: [&str; 4] = [PASSWORD, ACCESS_KEYS, SIGNING_CERTIFICATES, MFA_DEVICES];

/// How [`CREDENTIAL_TYPES`] names a kind.
pub fn kind_name(kind: CredentialKind) -> &'static str {
    match kind {
        CredentialKind::Password => PASSWORD,
        CredentialKind::AccessKeys => ACCESS_KEYS,
        CredentialKind::SigningCertificates => SIGNING_CERTIFICATES,
        CredentialKind::MfaDevices => MFA_DEVICES,
    }
}

fn kind_named(name: &str) -> Option<CredentialKind> {
    CredentialKind::ALL
        .into_iter()
        .find(|kind| kind_name(*kind) == name)
}

/// The kinds [`CREDENTIAL_TYPES`] selects in a configuration or a state: every kind when null or
/// absent.
pub fn kinds_of(value: &Value) -> Result<BTreeSet<CredentialKind>, AttributeError> {
    match value.get_attr(CREDENTIAL_TYPES) {
        None | Some(Value::Null) => Ok(CredentialKind::ALL.into()),
        Some(_) => attributes::strings(value, CREDENTIAL_TYPES)?
            .iter()
            .map(|name| {
                kind_named(name).ok_or(AttributeError::WrongType {
                    name: CREDENTIAL_TYPES,
                    expected: "set of credential kinds",
                })
            })
            .collect(),
    }
}

/// What a removal's configuration asks for: the member account and the kinds to remove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    /// The member account.
    pub account_id: String,
    /// The kinds selected.
    pub kinds: BTreeSet<CredentialKind>,
}

impl Removal {
    /// Reads [`ACCOUNT_ID`] and [`CREDENTIAL_TYPES`] (every kind when null or absent) from a
    /// configuration or a state.
    pub fn from_value(value: &Value) -> Result<Self, AttributeError> {
        let account_id = attributes::string(value, ACCOUNT_ID)?;
        let kinds = kinds_of(value)?;
        Ok(Self { account_id, kinds })
    }

    /// The selected kinds as [`CREDENTIAL_TYPES`] holds them.
    pub fn kinds_value(&self) -> Value {
        let names: BTreeSet<&str> = self.kinds.iter().map(|kind| kind_name(*kind)).collect();
        string_set(names)
    }
}

/// How a credential reads in `remaining` and in progress messages: `password`,
/// `access_key:AKIA…`, `signing_certificate:ID`, `mfa_device:SERIAL`.
pub fn label(credential: &RootCredential) -> String {
    match credential {
        RootCredential::Password => "password".to_owned(),
        RootCredential::AccessKey(id) => format!("access_key:{id}"),
        RootCredential::SigningCertificate(id) => format!("signing_certificate:{id}"),
        RootCredential::MfaDevice(serial) => format!("mfa_device:{serial}"),
    }
}

/// The credential [`label`] wrote as `text`; `None` for any other text.
pub fn labelled(text: &str) -> Option<RootCredential> {
    if text == "password" {
        return Some(RootCredential::Password);
    }
    // An MFA serial number may be an ARN, with colons of its own: only the first one splits.
    let (kind, id) = text.split_once(':')?;
    let id = (!id.is_empty()).then(|| id.to_owned())?;
    match kind {
        "access_key" => Some(RootCredential::AccessKey(id)),
        "signing_certificate" => Some(RootCredential::SigningCertificate(id)),
        "mfa_device" => Some(RootCredential::MfaDevice(id)),
        _ => None,
    }
}

/// The credentials as a list of their labels, as `remaining` and `to_remove` hold them.
pub fn labels(credentials: &[RootCredential]) -> Value {
    Value::List(
        credentials
            .iter()
            .map(|c| Value::from(label(c).as_str()))
            .collect(),
    )
}

/// What removal does to a credential, for messages.
pub fn verb(credential: &RootCredential) -> &'static str {
    match credential {
        RootCredential::MfaDevice(_) => "deactivated",
        RootCredential::Password
        | RootCredential::AccessKey(_)
        | RootCredential::SigningCertificate(_) => "deleted",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::RootCredentialReport;
    use crate::framework::attributes::object;

    #[test]
    fn only_the_selected_kinds_are_selected() {
        let report = RootCredentialReport {
            password_created: Some("x".into()),
            mfa_devices: vec!["m".into()],
            signing_certificates: vec!["c".into()],
            ..RootCredentialReport::default()
        };
        let config = object([
            (ACCOUNT_ID, Value::from("222222222222")),
            (CREDENTIAL_TYPES, string_set([MFA_DEVICES, PASSWORD])),
        ]);
        let removal = Removal::from_value(&config).unwrap();
        let labels: Vec<String> = report.of_kinds(&removal.kinds).iter().map(label).collect();
        assert_eq!(labels, ["password", "mfa_device:m"]);
        assert_eq!(removal.kinds_value(), string_set([MFA_DEVICES, PASSWORD]));
    }

    #[test]
    fn every_label_reads_back_and_nothing_else_does() {
        let credentials = [
            RootCredential::Password,
            RootCredential::AccessKey("AKIAEXAMPLE".into()),
            RootCredential::SigningCertificate("CERT".into()),
            RootCredential::MfaDevice("arn:aws:iam::222222222222:mfa/root".into()),
        ];
        for credential in credentials {
            assert_eq!(labelled(&label(&credential)), Some(credential));
        }
        for text in [
            "",
            "passwords",
            "access_key",
            "access_key:",
            "mfa:x",
            "Password",
        ] {
            assert_eq!(labelled(text), None, "{text:?}");
        }
    }

    #[test]
    fn every_kind_when_null_and_each_name_reads_back() {
        let config = object([
            (ACCOUNT_ID, Value::from("222222222222")),
            (CREDENTIAL_TYPES, Value::Null),
        ]);
        let removal = Removal::from_value(&config).unwrap();
        assert_eq!(removal.kinds, CredentialKind::ALL.into());
        assert_eq!(
            removal.kinds_value(),
            string_set([ACCESS_KEYS, MFA_DEVICES, PASSWORD, SIGNING_CERTIFICATES]),
            "sorted by name, as before the kinds were typed"
        );
        for kind in CredentialKind::ALL {
            assert_eq!(kind_named(kind_name(kind)), Some(kind));
        }
        let unknown = object([
            (ACCOUNT_ID, Value::from("222222222222")),
            (CREDENTIAL_TYPES, string_set(["passwords"])),
        ]);
        assert_eq!(
            Removal::from_value(&unknown).unwrap_err().path(),
            crate::cty::AttributePath::root(CREDENTIAL_TYPES)
        );
        let no_account = object([(CREDENTIAL_TYPES, Value::Null)]);
        assert_eq!(
            Removal::from_value(&no_account).unwrap_err().path(),
            crate::cty::AttributePath::root(ACCOUNT_ID)
        );
    }
}
