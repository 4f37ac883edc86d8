//! A delegated administrator as attribute values: the attributes that describe the registered
//! account, shared by the `centralroot_delegated_admin` resource and the elements of the data
//! source's `delegated_administrators`, so both read the same names from one conversion.

use crate::aws::DelegatedAdmin;
use crate::cty::Value;

/// The 12-digit account ID.
pub const ACCOUNT_ID: &str = "account_id";
/// The account's ARN.
pub const ARN: &str = "arn";
/// The account's name.
pub const NAME: &str = "name";
/// The account's email address.
pub const EMAIL: &str = "email";
/// `ACTIVE`, `SUSPENDED` or `PENDING_CLOSURE`.
pub const STATUS: &str = "status";
/// `INVITED` or `CREATED`.
pub const JOINED_METHOD: &str = "joined_method";
/// When the account joined the organization, RFC 3339.
pub const JOINED_TIMESTAMP: &str = "joined_timestamp";
/// When the account became delegated administrator, RFC 3339.
pub const DELEGATION_ENABLED_DATE: &str = "delegation_enabled_date";

/// The attributes [`details`] fills in, in the order the data source documents them.
pub const DETAILS: [&str; 7] = [
    ARN,
    NAME,
    EMAIL,
    STATUS,
    JOINED_METHOD,
    JOINED_TIMESTAMP,
    DELEGATION_ENABLED_DATE,
];

/// What the listing says about the account, beside its ID, as attribute values.
pub fn details(admin: &DelegatedAdmin) -> [(&'static str, Value); 7] {
    let text = |s: &String| Value::from(s.as_str());
    [
        (ARN, text(&admin.arn)),
        (NAME, text(&admin.name)),
        (EMAIL, text(&admin.email)),
        (STATUS, text(&admin.status)),
        (JOINED_METHOD, text(&admin.joined_method)),
        (JOINED_TIMESTAMP, text(&admin.joined_timestamp)),
        (
            DELEGATION_ENABLED_DATE,
            text(&admin.delegation_enabled_date),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_detail_is_the_listing_s_field_of_that_name() {
        let admin = DelegatedAdmin {
            account_id: "222222222222".into(),
            arn: "the arn".into(),
            email: "the email".into(),
            name: "the name".into(),
            status: "the status".into(),
            joined_method: "the joined_method".into(),
            joined_timestamp: "the joined_timestamp".into(),
            delegation_enabled_date: "the delegation_enabled_date".into(),
        };
        let details = details(&admin);
        assert_eq!(details.clone().map(|(name, _)| name), DETAILS);
        for (name, value) in details {
            assert_eq!(value.as_str(), Some(format!("the {name}").as_str()));
        }
    }
}
