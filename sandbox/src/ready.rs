//! The ready line: the shell statement the sandbox prints on stdout once it listens (and
//! writes to `--env-file`), which the quick start `eval`s and scripts source.
//!
//! ```sh
//! export AWS_ENDPOINT_URL='http://127.0.0.1:4566' AWS_ACCESS_KEY_ID='AKIASANDBOX111111111' AWS_SECRET_ACCESS_KEY='…' AWS_REGION='us-east-1' AWS_DEFAULT_REGION='us-east-1' # sandbox ready: management account 111111111111
//! ```
//! The region is set twice because the AWS SDKs and CLI v2 read `AWS_REGION` while the AWS CLI
//! v1 reads only `AWS_DEFAULT_REGION`.
//! Every value is single-quoted, so nothing in it can run or expand in a shell, whatever it
//! holds; the seed's validation keeps the credentials to `[A-Za-z0-9/+=._-]` besides, and
//! the comment holds a 12-digit account id only.

use super::seed::Seed;
use std::net::SocketAddr;

/// The region the ready line sets: the sandbox answers any, the SDKs need one.
const REGION: &str = "us-east-1";

/// The ready line for a sandbox listening on `addr` and serving `seed`.
pub fn ready_line(addr: SocketAddr, seed: &Seed) -> String {
    let mut line = format!(
        "export AWS_ENDPOINT_URL={}",
        shell_quote(&format!("http://{addr}"))
    );
    if let Some(credentials) = seed.management_credentials() {
        line.push_str(&format!(
            " AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={}",
            shell_quote(&credentials.access_key_id),
            shell_quote(&credentials.secret_access_key)
        ));
    }
    let region = shell_quote(REGION);
    line.push_str(&format!(
        " AWS_REGION={region} AWS_DEFAULT_REGION={region} # sandbox ready"
    ));
    if let Some(organization) = &seed.organization {
        line.push_str(&format!(
            ": management account {}",
            organization.management_account_id
        ));
    }
    line
}

/// `value` as one single-quoted shell word: a quote inside becomes `'\''`.
pub fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// Reads `AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` back from a ready
/// line.
#[cfg(any(test, feature = "test-support"))]
pub fn parse_ready_line(line: &str) -> Option<(String, super::seed::Credentials)> {
    let value = |name: &str| {
        line.split_whitespace()
            .find_map(|word| word.strip_prefix(name)?.strip_prefix('='))
            .map(shell_unquote)
    };
    Some((
        value("AWS_ENDPOINT_URL")?,
        super::seed::Credentials {
            access_key_id: value("AWS_ACCESS_KEY_ID")?,
            secret_access_key: value("AWS_SECRET_ACCESS_KEY")?,
        },
    ))
}

/// The inverse of [`shell_quote`] for one word: quoted parts literally, `\x` outside quotes as `x`.
#[cfg(any(test, feature = "test-support"))]
fn shell_unquote(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut chars = word.chars();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' => quoted = !quoted,
            '\\' if !quoted => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::Account;
    use std::process::Command;

    #[test]
    fn the_default_ready_line_exports_endpoint_and_credentials() {
        let line = ready_line("127.0.0.1:4566".parse().unwrap(), &Seed::default_seed());
        assert!(
            line.starts_with(
                "export AWS_ENDPOINT_URL='http://127.0.0.1:4566' AWS_ACCESS_KEY_ID='AKIASANDBOX111111111' AWS_SECRET_ACCESS_KEY='sandbox-secret-111111111111-not-a-real-key'"
            ),
            "{line}"
        );
        assert!(
            line.ends_with(
                " AWS_REGION='us-east-1' AWS_DEFAULT_REGION='us-east-1' # sandbox ready: management account 111111111111"
            ),
            "{line}"
        );
        let (endpoint, credentials) = parse_ready_line(&line).unwrap();
        assert_eq!(endpoint, "http://127.0.0.1:4566");
        assert_eq!(
            Some(credentials),
            Seed::default_seed().management_credentials()
        );
        assert!(parse_ready_line("hello").is_none());
    }

    /// Values the seed's validation refuses, put in place behind its back: the quoting alone
    /// must keep bash from running or expanding any of them.
    #[test]
    fn bash_runs_nothing_in_the_ready_line_whatever_the_values() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("pwned");
        let hostile = [
            format!("x$(touch {})", marker.display()),
            format!("`touch {}`", marker.display()),
            format!("a'; touch {}; echo '", marker.display()),
            format!("b\"$(touch {})\"", marker.display()),
            "*".to_owned(),
            "$HOME\\".to_owned(),
        ];
        for value in &hostile {
            let mut seed = Seed {
                organization: None,
                accounts: vec![Account::new("123456789012")],
                ..Seed::default_seed()
            };
            seed.accounts[0].access_key_id = value.clone();
            seed.accounts[0].secret_access_key = value.clone();
            let line = ready_line("[::1]:4566".parse().unwrap(), &seed);
            let env_file = dir.path().join("sandbox.env");
            std::fs::write(&env_file, format!("{line}\n")).unwrap();
            let output = Command::new("bash")
                .arg("-c")
                .arg(r#"source "$1" && printf '%s\n' "$AWS_ENDPOINT_URL" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_REGION" "$AWS_DEFAULT_REGION""#)
                .arg("bash")
                .arg(&env_file)
                .current_dir(dir.path())
                .output()
                .unwrap();
            assert!(output.status.success(), "{value}: {output:?}");
            assert!(!marker.exists(), "{value} ran as a command");
            let printed = String::from_utf8(output.stdout).unwrap();
            assert_eq!(
                printed,
                format!("http://[::1]:4566\n{value}\n{value}\nus-east-1\nus-east-1\n"),
                "{line}"
            );
            if !value.contains(' ') {
                let (_, credentials) = parse_ready_line(&line).unwrap();
                assert_eq!(credentials.access_key_id, *value);
                assert_eq!(credentials.secret_access_key, *value);
            }
        }
    }
}
