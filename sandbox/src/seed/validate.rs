//! The checks a seed passes before it is served: ids, references between its parts, and
//! credentials that are safe to print in the ready line.

use super::unlock::{Locked, is_bucket_name, is_policy, is_queue_name, is_region};
use super::{
    Account, AccountPatch, Bucket, OrganizationalUnit, PARTITIONS, Queue, ROOT_ID, Seed,
    ServiceControlPolicy,
};
use crate::identity::TaskPolicy;
use std::collections::HashSet;

/// Why a seed was refused.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// Not valid JSON for the format.
    #[error("seed is not valid: {0}")]
    Json(#[from] serde_json::Error),
    /// An account id is not 12 digits.
    #[error("account id {0:?} is not 12 digits")]
    AccountId(String),
    /// A task policy name in `root_task_features` is not one of the five.
    #[error("root_task_features names {0:?}, which is not a root task policy")]
    TaskPolicy(String),
    /// An account or unit names a parent that is neither the root nor a unit.
    #[error("parent {0:?} is neither the root (r-sand) nor an organizational unit")]
    Parent(String),
    /// An account status is neither ACTIVE nor SUSPENDED.
    #[error("account status {0:?} is neither ACTIVE nor SUSPENDED")]
    Status(String),
    /// An account's access key id or secret holds a character a shell could act on.
    #[error(
        "account {account}: {field} may hold only letters, digits and / + = . _ - (the sandbox prints it in a shell statement)"
    )]
    Credential {
        /// The account id.
        account: String,
        /// `access_key_id` or `secret_access_key`; its value is not repeated, it is a secret.
        field: &'static str,
    },
    /// Two accounts share an id or access key.
    #[error("duplicate account id or access key {0:?}")]
    Duplicate(String),
    /// The organization id does not match `^o-[a-z0-9]{{10,32}}$`.
    #[error("organization id {0:?} does not match ^o-[a-z0-9]{{10,32}}$")]
    OrganizationId(String),
    /// The management account is not one of the accounts in the organization.
    #[error("management account {0} is not an account in the organization")]
    ManagementAccount(String),
    /// The partition is not one the sandbox plays.
    #[error("partition {0:?} is none of aws, aws-us-gov, aws-cn")]
    Partition(String),
    /// A service control policy's id or action is malformed.
    #[error("service control policy: {0}")]
    Policy(String),
    /// A delegated administrator is not a member account.
    #[error("delegated administrator {0} is not a member account of the organization")]
    Delegation(String),
    /// A bucket or queue breaks a rule of its service (name, Region, policy, uniqueness).
    #[error("{0}")]
    Resource(String),
}

/// Whether `id` is a 12-digit account id.
pub fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// Why `policy` is malformed, if it is: its id must match `^p-[0-9a-z_]{8,128}$`, each action
/// be `*` or `service:action` of letters, digits and the wildcards `*` and `?`.
fn policy_problem(policy: &ServiceControlPolicy) -> Option<String> {
    let id_ok = policy.id.strip_prefix("p-").is_some_and(|rest| {
        (8..=128).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    });
    if !id_ok {
        return Some(format!(
            "id {:?} does not match ^p-[0-9a-z_]{{8,128}}$",
            policy.id
        ));
    }
    let pattern = |text: &str| {
        !text.is_empty()
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'*' || b == b'?')
    };
    policy
        .denied_actions
        .iter()
        .find(|action| {
            *action != "*"
                && !action
                    .split_once(':')
                    .is_some_and(|(service, name)| pattern(service) && pattern(name))
        })
        .map(|action| format!("action {action:?} is neither * nor service:action"))
}

/// Whether `text` is a non-empty run of `[A-Za-z0-9/+=._-]`, the characters of AWS access key
/// ids and secrets, none of which a shell treats specially.
fn is_credential(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/+=._-".contains(&b))
}

fn is_organization_id(id: &str) -> bool {
    let Some(rest) = id.strip_prefix("o-") else {
        return false;
    };
    (10..=32).contains(&rest.len())
        && rest
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

impl Seed {
    /// Parses and validates a JSON seed.
    pub fn from_json(text: &str) -> Result<Seed, SeedError> {
        serde_json::from_str::<Seed>(text)?.validated()
    }

    /// Checks the invariants the handlers rely on and fills defaults.
    pub fn validated(mut self) -> Result<Seed, SeedError> {
        let mut seen = HashSet::new();
        for account in &mut self.accounts {
            if !is_account_id(&account.id) {
                return Err(SeedError::AccountId(account.id.clone()));
            }
            account.fill_defaults();
            for (field, value) in [
                ("access_key_id", &account.access_key_id),
                ("secret_access_key", &account.secret_access_key),
            ] {
                if !is_credential(value) {
                    return Err(SeedError::Credential {
                        account: account.id.clone(),
                        field,
                    });
                }
            }
            if !matches!(account.status.as_str(), "ACTIVE" | "SUSPENDED") {
                return Err(SeedError::Status(account.status.clone()));
            }
            if let Some(problem) = account
                .service_control_policy
                .as_ref()
                .and_then(policy_problem)
            {
                return Err(SeedError::Policy(problem));
            }
            for key in [&account.id, &account.access_key_id] {
                if !seen.insert(key.clone()) {
                    return Err(SeedError::Duplicate(key.clone()));
                }
            }
        }
        if let Some(org) = &self.organization {
            if !is_organization_id(&org.id) {
                return Err(SeedError::OrganizationId(org.id.clone()));
            }
            let managed = self
                .account(&org.management_account_id)
                .is_some_and(|a| a.in_organization);
            if !managed {
                return Err(SeedError::ManagementAccount(
                    org.management_account_id.clone(),
                ));
            }
        }
        for delegation in &self.delegated_administrators {
            let member = self
                .account(&delegation.account_id)
                .is_some_and(|a| a.in_organization)
                && self
                    .organization
                    .as_ref()
                    .is_some_and(|o| o.management_account_id != delegation.account_id);
            if !member {
                return Err(SeedError::Delegation(delegation.account_id.clone()));
            }
        }
        let parents: HashSet<&str> = self
            .organizational_units
            .iter()
            .map(|u| u.id.as_str())
            .chain([ROOT_ID])
            .collect();
        let named = self.accounts.iter().map(Account::parent_id).chain(
            self.organizational_units
                .iter()
                .map(OrganizationalUnit::parent),
        );
        for parent in named {
            if !parents.contains(parent) {
                return Err(SeedError::Parent(parent.to_owned()));
            }
        }
        for (name, features) in &mut self.root_task_features {
            if TaskPolicy::from_name(name).is_none() {
                return Err(SeedError::TaskPolicy(name.clone()));
            }
            features.sort();
            features.dedup();
        }
        if !PARTITIONS.contains(&self.partition.as_str()) {
            return Err(SeedError::Partition(self.partition.clone()));
        }
        self.features.sort();
        self.features.dedup();
        let mut buckets = HashSet::new();
        for account in &self.accounts {
            check_resources(&account.buckets, &account.queues)?;
            for bucket in &account.buckets {
                if !buckets.insert(bucket.name.as_str()) {
                    return Err(SeedError::Resource(format!(
                        "bucket {} is seeded twice: bucket names are unique across accounts",
                        bucket.name
                    )));
                }
            }
        }
        Ok(self)
    }
}

/// Whether a name is valid for a kind of resource.
type NameRule = fn(&str) -> bool;

/// The rules of one account's buckets and queues: names, Regions and policies as AWS takes
/// them, no queue name twice in a Region.
fn check_resources(buckets: &[Bucket], queues: &[Queue]) -> Result<(), SeedError> {
    let kinds: [(&str, &[Locked], NameRule); 2] = [
        ("bucket", buckets, is_bucket_name),
        ("queue", queues, is_queue_name),
    ];
    for (kind, items, valid_name) in kinds {
        let mut seen = HashSet::new();
        for item in items {
            let problem = if !valid_name(&item.name) {
                format!("{:?} is not a valid {kind} name", item.name)
            } else if !is_region(&item.region) {
                format!("{kind} {}: {:?} is not a Region", item.name, item.region)
            } else if item.policy.as_deref().is_some_and(|p| !is_policy(p)) {
                format!("{kind} {}: the policy is not a JSON object", item.name)
            } else if !seen.insert((item.region.as_str(), item.name.as_str())) {
                format!("{kind} {} is seeded twice in {}", item.name, item.region)
            } else {
                continue;
            };
            return Err(SeedError::Resource(problem));
        }
    }
    Ok(())
}

impl AccountPatch {
    /// Parses and validates a patch.
    pub fn from_json(body: &[u8]) -> Result<AccountPatch, SeedError> {
        let patch: AccountPatch = serde_json::from_slice(body)?;
        if let Some(status) = &patch.status
            && !matches!(status.as_str(), "ACTIVE" | "SUSPENDED")
        {
            return Err(SeedError::Status(status.clone()));
        }
        if let Some(problem) = patch
            .service_control_policy
            .as_ref()
            .and_then(|p| p.as_ref())
            .and_then(policy_problem)
        {
            return Err(SeedError::Policy(problem));
        }
        check_resources(
            patch.buckets.as_deref().unwrap_or_default(),
            patch.queues.as_deref().unwrap_or_default(),
        )?;
        Ok(patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_seeds_are_refused() {
        for bad in [
            r#"{"accounts":[{"id":"12"}]}"#,
            r#"{"accounts":[{"id":"123456789012"},{"id":"123456789012"}]}"#,
            r#"{"organization":{"id":"o-1","management_account_id":"123456789012"},"accounts":[{"id":"123456789012"}]}"#,
            r#"{"organization":{"id":"o-abcdefghij","management_account_id":"999999999999"},"accounts":[{"id":"123456789012"}]}"#,
            r#"{"organization":{"id":"o-abcdefghij","management_account_id":"123456789012"},"accounts":[{"id":"123456789012"}],"delegated_administrators":[{"account_id":"123456789012","service_principal":"iam.amazonaws.com"}]}"#,
            r#"{"accounts":[{"id":"123456789012"}],"partition":"aws-iso-z"}"#,
            r#"{"accounts":[{"id":"123456789012","service_control_policy":{"id":"p-1"}}]}"#,
            r#"{"accounts":[{"id":"123456789012","service_control_policy":{"denied_actions":["iam ListAccessKeys"]}}]}"#,
            r#"{"accounts":[{"id":"123456789012","service_control_policy":{"denied_actions":["iam:"]}}]}"#,
            r#"{"accounts":[{"id":"123456789012","service_control_policy":{"deny":["*"]}}]}"#,
        ] {
            assert!(Seed::from_json(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn service_control_policies_and_partitions_read_with_their_defaults() {
        let seed = Seed::from_json(
            r#"{"partition":"aws-us-gov","accounts":[{"id":"123456789012","service_control_policy":{}},
                {"id":"210987654321","service_control_policy":{"id":"p-denyroot_1","denied_actions":["iam:List*","sts:AssumeRoot"],"exempt_root_sessions":true}}]}"#,
        )
        .unwrap();
        assert_eq!(seed.partition, "aws-us-gov");
        let everything = seed.accounts[0].service_control_policy.as_ref().unwrap();
        assert_eq!(everything.id, "p-examplepolicy");
        assert!(everything.names("iam:DeleteAccessKey") && !everything.exempt_root_sessions);
        let listing = seed.accounts[1].service_control_policy.as_ref().unwrap();
        assert!(listing.names("iam:ListAccessKeys"));
        assert!(
            listing.names("IAM:LISTMFADEVICES"),
            "actions match without case"
        );
        assert!(listing.names("sts:AssumeRoot"));
        assert!(!listing.names("iam:GetAccountSummary"));
        assert!(listing.names("iam:List"), "* matches an empty run too");
        assert!(!listing.names("iam:GetLoginProfile"));
        assert!(listing.exempt_root_sessions);
        assert_eq!(
            Seed::from_json(r#"{"accounts":[{"id":"123456789012"}]}"#)
                .unwrap()
                .partition,
            "aws"
        );
        let patch = AccountPatch::from_json(br#"{"service_control_policy": null}"#).unwrap();
        assert_eq!(patch.service_control_policy, Some(None), "null detaches");
        let patch = AccountPatch::from_json(br#"{"status": "ACTIVE"}"#).unwrap();
        assert_eq!(patch.service_control_policy, None, "absent leaves it");
        assert!(AccountPatch::from_json(br#"{"service_control_policy": {"id": "x"}}"#).is_err());
    }

    #[test]
    fn credentials_a_shell_could_act_on_are_refused_without_repeating_them() {
        for (key, secret, field, bad) in [
            (
                "AKIA1",
                "x$(touch pwned)",
                "secret_access_key",
                "$(touch pwned)",
            ),
            ("AKIA1", "a b", "secret_access_key", "a b"),
            ("AKIA1", "it's", "secret_access_key", "it's"),
            ("AKIA1", "line\nbreak", "secret_access_key", "line\nbreak"),
            ("AKIA`id`", "secret", "access_key_id", "AKIA`id`"),
        ] {
            let seed = serde_json::json!({"accounts": [
                {"id": "123456789012", "access_key_id": key, "secret_access_key": secret}
            ]});
            let error = Seed::from_json(&seed.to_string()).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!(
                    "account 123456789012: {field} may hold only letters, digits and / + = . _ -"
                )),
                "{error}"
            );
            assert!(!error.contains(bad), "{error}");
        }
        let fine = serde_json::json!({"accounts": [
            {"id": "123456789012", "access_key_id": "AKIA0123456789ABCDEF",
             "secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY=._-"}
        ]});
        assert!(Seed::from_json(&fine.to_string()).is_ok());
    }
}
