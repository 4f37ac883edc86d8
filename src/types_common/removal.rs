//! Root-credential removal shared by the removal resource and the delete action: the arguments
//! both take, the kinds a configuration selects, and how a credential is named to users.

use std::collections::BTreeSet;

use crate::aws::{RootCredential, RootCredentialReport};
use crate::cty::Value;
use crate::framework::attributes::{self, AttributeError};

use super::advice::Targets;

/// The member account whose root credentials are removed.
pub const ACCOUNT_ID: &str = "account_id";
/// The kinds of credential removed; every kind when null.
pub const CREDENTIAL_TYPES: &str = "credential_types";

/// Failures of the root session concern the account.
pub const TARGETS: Targets = Targets {
    account: Some(ACCOUNT_ID),
    trusted_access: None,
    features: None,
};

/// The kinds [`CREDENTIAL_TYPES`] selects in `config`: every kind when it is null or absent.
pub fn selected_kinds(config: &Value) -> Result<BTreeSet<String>, AttributeError> {
    match config.get_attr(CREDENTIAL_TYPES) {
        None | Some(Value::Null) => Ok(ALL_KINDS.map(str::to_owned).into()),
        Some(_) => Ok(attributes::strings(config, CREDENTIAL_TYPES)?
            .into_iter()
            .collect()),
    }
}

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

/// The kind a credential is of.
pub fn kind(credential: &RootCredential) -> &'static str {
    match credential {
        RootCredential::Password => PASSWORD,
        RootCredential::AccessKey(_) => ACCESS_KEYS,
        RootCredential::SigningCertificate(_) => SIGNING_CERTIFICATES,
        RootCredential::MfaDevice(_) => MFA_DEVICES,
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

/// What removal does to a credential, for messages.
pub fn verb(credential: &RootCredential) -> &'static str {
    match credential {
        RootCredential::MfaDevice(_) => "deactivated",
        _ => "deleted",
    }
}

/// The credentials of `report` whose kind is in `kinds`.
pub fn selected(report: &RootCredentialReport, kinds: &BTreeSet<String>) -> Vec<RootCredential> {
    report
        .credentials()
        .into_iter()
        .filter(|c| kinds.contains(kind(c)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_selected_kinds_are_selected() {
        let report = RootCredentialReport {
            password_created: Some("x".into()),
            mfa_devices: vec!["m".into()],
            signing_certificates: vec!["c".into()],
            ..RootCredentialReport::default()
        };
        let kinds = [PASSWORD, MFA_DEVICES].map(str::to_owned).into();
        let labels: Vec<String> = selected(&report, &kinds).iter().map(label).collect();
        assert_eq!(labels, ["password", "mfa_device:m"]);
    }
}
