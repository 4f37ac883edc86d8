//! What an auditor joins a root task with: CloudTrail's `AssumeRoot` event names the session's
//! access key id (`responseElements.credentials.accessKeyId`) and task policy
//! (`requestParameters.taskPolicyArn.arn`), and every call made in the session carries the same
//! access key id in the member account's events. Recording both, and when the session was
//! granted, joins a change to the session that made it. Never a secret.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::TaskPolicy;
use super::timestamp::system_time_to_rfc3339;

/// The public facts of one root session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionEvidence {
    /// The member account the session acted on.
    pub account_id: String,
    /// The access key id of the session's temporary credentials (`ASIA…`).
    pub access_key_id: String,
    /// The task policy the session was limited to.
    pub task_policy: TaskPolicy,
    /// Its ARN, in the partition of the credentials in use (what CloudTrail records).
    pub task_policy_arn: String,
    /// When AWS granted the session.
    pub opened_at: SystemTime,
}

impl SessionEvidence {
    /// When AWS granted the session, in RFC 3339 (UTC, to the second, as CloudTrail's
    /// `eventTime`).
    pub fn opened_at_rfc3339(&self) -> String {
        let seconds = self
            .opened_at
            .duration_since(UNIX_EPOCH)
            .map(|since| since.as_secs())
            .unwrap_or_default();
        // The clock of this machine is within RFC 3339's years; an impossible clock reads empty
        // rather than failing a change AWS already made.
        system_time_to_rfc3339(UNIX_EPOCH + Duration::from_secs(seconds)).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_reads_as_rfc3339_in_utc_to_the_second() {
        let evidence = SessionEvidence {
            account_id: "222222222222".into(),
            access_key_id: "ASIAEXAMPLE".into(),
            task_policy: TaskPolicy::CreateRootUserPassword,
            task_policy_arn: String::new(),
            opened_at: UNIX_EPOCH + Duration::from_millis(1_700_000_000_750),
        };
        assert_eq!(evidence.opened_at_rfc3339(), "2023-11-14T22:13:20Z");
    }
}
