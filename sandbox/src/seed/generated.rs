//! The default seed and the generated organizations of load tests and benchmarks.

use super::{
    AccessKeyLastUsed, Account, Feature, FeatureSet, IAM_SERVICE_PRINCIPAL, LoginProfile,
    MfaDevice, Organization, RootAccessKey, RootUser, SEED_EPOCH, Seed, SigningCertificate,
    TrustedAccess, active,
};
use std::collections::BTreeMap;

/// The management account of the default seed.
pub const MANAGEMENT_ACCOUNT_ID: &str = "111111111111";
/// The member accounts of the default seed.
pub const MEMBER_ACCOUNT_IDS: [&str; 3] = ["222222222222", "333333333333", "444444444444"];
/// The organization id of the default seed.
pub const ORGANIZATION_ID: &str = "o-sandbox1234";

impl Seed {
    /// The default seed: management account `111111111111`, members `222222222222`,
    /// `333333333333` (both with root password, access key, signing certificate and MFA) and
    /// `444444444444` (no root credentials); all features; trusted access off; no feature enabled.
    pub fn default_seed() -> Seed {
        let mut accounts = vec![Account {
            name: "management".to_owned(),
            joined_method: "INVITED".to_owned(),
            ..Account::new(MANAGEMENT_ACCOUNT_ID)
        }];
        for (index, id) in MEMBER_ACCOUNT_IDS.iter().enumerate() {
            let mut account = Account {
                name: format!("member-{}", index + 1),
                ..Account::new(id)
            };
            if index < 2 {
                account.root = RootUser::with_everything(id);
            }
            accounts.push(account);
        }
        for account in &mut accounts {
            account.fill_defaults();
        }
        Seed {
            organization: Some(Organization {
                id: ORGANIZATION_ID.to_owned(),
                feature_set: FeatureSet::All,
                management_account_id: MANAGEMENT_ACCOUNT_ID.to_owned(),
            }),
            accounts,
            trusted_access: Vec::new(),
            delegated_administrators: Vec::new(),
            features: Vec::new(),
            max_delegated_administrators_per_service: None,
            root_task_features: BTreeMap::new(),
            partition: "aws".to_owned(),
            organizational_units: Vec::new(),
        }
    }

    /// Adds `count` member accounts `100000000000`, `100000000001`, … (for load tests).
    pub fn with_generated_members(mut self, count: usize) -> Seed {
        for n in 0..count {
            let mut account = Account::new(&format!("{:012}", 100_000_000_000usize + n));
            account.fill_defaults();
            self.accounts.push(account);
        }
        self
    }

    /// A large organization for scale tests and benchmarks: the default seed plus `members`
    /// generated members ([`Seed::with_generated_members`]) whose root users hold a mix of
    /// credentials, with trusted access for IAM and both IAM organization features on, so that
    /// root sessions work at once. Member `n` holds, by `n % 4`: everything, a password only,
    /// two access keys (one used), nothing.
    pub fn large_organization(members: usize) -> Seed {
        let mut seed = Seed::default_seed().with_generated_members(members);
        let generated = seed.accounts.len() - members;
        for (n, account) in seed.accounts[generated..].iter_mut().enumerate() {
            account.root = RootUser::mixed(&account.id, n);
        }
        seed.trusted_access = vec![TrustedAccess {
            service_principal: IAM_SERVICE_PRINCIPAL.to_owned(),
            date_enabled: SEED_EPOCH,
        }];
        seed.features = vec![Feature::RootCredentialsManagement, Feature::RootSessions];
        seed
    }
}

impl Default for Seed {
    fn default() -> Self {
        Seed::default_seed()
    }
}

impl RootUser {
    fn mixed(account_id: &str, n: usize) -> RootUser {
        let tail = &account_id[account_id.len().saturating_sub(8)..];
        let key = |suffix: &str, last_used: Option<AccessKeyLastUsed>| RootAccessKey {
            id: format!("AKIAROOTKEY{suffix}{tail}"),
            status: active(),
            created: SEED_EPOCH,
            last_used,
        };
        match n % 4 {
            0 => RootUser::with_everything(account_id),
            1 => RootUser {
                login_profile: Some(LoginProfile {
                    created: SEED_EPOCH,
                    password_reset_required: false,
                }),
                ..RootUser::default()
            },
            2 => RootUser {
                access_keys: vec![
                    key(
                        "1",
                        Some(AccessKeyLastUsed {
                            date: SEED_EPOCH,
                            service_name: "s3".to_owned(),
                            region: "us-east-1".to_owned(),
                        }),
                    ),
                    key("2", None),
                ],
                ..RootUser::default()
            },
            _ => RootUser::default(),
        }
    }

    fn with_everything(account_id: &str) -> RootUser {
        let tail = &account_id[account_id.len().saturating_sub(8)..];
        RootUser {
            login_profile: Some(LoginProfile {
                created: SEED_EPOCH,
                password_reset_required: false,
            }),
            access_keys: vec![RootAccessKey {
                id: format!("AKIAROOTKEY0{tail}"),
                status: active(),
                created: SEED_EPOCH,
                last_used: None,
            }],
            signing_certificates: vec![SigningCertificate {
                id: format!("CERTROOT{tail}SANDBOX0000000000"),
                status: active(),
                uploaded: SEED_EPOCH,
                body: "-----BEGIN CERTIFICATE-----\nU0FOREJPWA==\n-----END CERTIFICATE-----\n"
                    .to_owned(),
            }],
            mfa_devices: vec![MfaDevice {
                serial_number: format!("arn:aws:iam::{account_id}:mfa/root-account-mfa-device"),
                enabled: SEED_EPOCH,
            }],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_seed_round_trips_through_json() {
        let seed = Seed::default_seed();
        let text = serde_json::to_string(&seed).unwrap();
        assert_eq!(Seed::from_json(&text).unwrap(), seed);
        assert_eq!(seed.accounts.len(), 4);
        assert!(
            seed.account("222222222222")
                .unwrap()
                .root
                .login_profile
                .is_some()
        );
        assert!(
            seed.account("444444444444")
                .unwrap()
                .root
                .login_profile
                .is_none()
        );
    }

    #[test]
    fn generated_members_have_distinct_keys() {
        let seed = Seed::default_seed()
            .with_generated_members(100)
            .validated()
            .unwrap();
        assert_eq!(seed.accounts.len(), 104);
    }

    #[test]
    fn a_large_organization_mixes_root_credentials_and_allows_root_sessions() {
        let seed = Seed::large_organization(1000).validated().unwrap();
        assert_eq!(seed.accounts.len(), 1004);
        let generated = &seed.accounts[4..];
        let with = |has: fn(&RootUser) -> bool| generated.iter().filter(|a| has(&a.root)).count();
        assert_eq!(with(|r| r.login_profile.is_some()), 500);
        assert_eq!(with(|r| r.access_keys.len() == 2), 250);
        assert_eq!(with(|r| !r.mfa_devices.is_empty()), 250);
        assert_eq!(with(|r| *r == RootUser::default()), 250);
        assert_eq!(seed.features.len(), 2);
        assert_eq!(seed.trusted_access.len(), 1);
    }
}
