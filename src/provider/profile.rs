//! A named AWS profile that no shared file defines, reported when the provider is configured.
//!
//! The SDK does not say so: with no shared file at all it answers "no providers in chain
//! provided credentials", and with files that lack the profile its credential chain fails with
//! an error among others. Reading the files takes no network, so the provider checks the name
//! itself, once, before any type runs.

use std::borrow::Cow;

use aws_config::profile::ProfileSet;
use aws_runtime::env_config::file::EnvConfigFiles as ProfileFiles;
use aws_types::os_shim_internal::{Env, Fs};

use super::config::ProviderConfig;
use crate::cty::AttributePath;
use crate::framework::diagnostics::Diagnostic;

/// The provider argument naming a profile.
pub const PROFILE: &str = "profile";

/// Where the profile's name came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NamedBy {
    /// `profile` in the provider block.
    Block,
    /// The environment variable `AWS_PROFILE`.
    Environment,
}

/// The profile that would give the provider its credentials, and what named it: the block's
/// `profile` unless the block also sets keys; otherwise `AWS_PROFILE` unless keys are set in
/// the block or the environment, which the SDK reads first.
fn named_profile(settings: &ProviderConfig, env: &Env) -> Option<(String, NamedBy)> {
    let block_keys = settings.access_key.is_some() && settings.secret_key.is_some();
    if block_keys {
        return None;
    }
    if let Some(profile) = &settings.profile {
        return Some((profile.clone(), NamedBy::Block));
    }
    let set = |name: &str| env.get(name).is_ok_and(|v| !v.is_empty());
    if set("AWS_ACCESS_KEY_ID") {
        return None;
    }
    env.get("AWS_PROFILE")
        .ok()
        .filter(|p| !p.is_empty())
        .map(|p| (p, NamedBy::Environment))
}

/// The files the SDK reads profiles from, for the message: those the block lists, or the
/// default file of each kind (moved by its environment variable).
fn files_read(settings: &ProviderConfig, env: &Env) -> String {
    let kind = |listed: &[String], variable: &str, default: &str| -> Vec<String> {
        if !listed.is_empty() {
            return listed.to_vec();
        }
        match env.get(variable) {
            Ok(path) if !path.is_empty() => vec![format!("{path} ({variable})")],
            _ => vec![default.to_owned()],
        }
    };
    let mut files = kind(
        &settings.shared_config_files,
        "AWS_CONFIG_FILE",
        "~/.aws/config",
    );
    files.extend(kind(
        &settings.shared_credentials_files,
        "AWS_SHARED_CREDENTIALS_FILE",
        "~/.aws/credentials",
    ));
    files.join(", ")
}

/// The error for a profile that would give the credentials and that no shared file defines;
/// `None` when the profile exists, when none is named, or when the files cannot be read (the
/// SDK then says why).
pub async fn missing(
    settings: &ProviderConfig,
    files: Option<&ProfileFiles>,
    fs: &Fs,
    env: &Env,
) -> Option<Diagnostic> {
    let (name, named_by) = named_profile(settings, env)?;
    let default_files = ProfileFiles::default();
    let profiles: ProfileSet = aws_config::profile::load(
        fs,
        env,
        files.unwrap_or(&default_files),
        Some(Cow::Owned(name.clone())),
    )
    .await
    .inspect_err(|err| tracing::debug!(%err, "the shared AWS files cannot be read"))
    .ok()?;
    if profiles.get_profile(&name).is_some() {
        return None;
    }
    let mut known: Vec<&str> = profiles.profiles().collect();
    known.sort_unstable();
    let found = if known.is_empty() {
        "They define no profile at all.".to_owned()
    } else {
        format!("They define: {}.", known.join(", "))
    };
    let who = match named_by {
        NamedBy::Block => format!("profile = \"{name}\" in the provider block"),
        NamedBy::Environment => format!("The environment variable AWS_PROFILE={name}"),
    };
    let detail = format!(
        "{who} names the AWS profile the provider takes its credentials from, and none of the \
         shared AWS files read defines it: {}. {found} Create the profile (aws configure \
         --profile {name}), correct the name, or point shared_config_files / \
         shared_credentials_files at the files that define it.",
        files_read(settings, env)
    );
    let diagnostic = Diagnostic::error(format!("AWS profile \"{name}\" not found"), detail);
    Some(match named_by {
        NamedBy::Block => diagnostic.at(AttributePath::root(PROFILE)),
        NamedBy::Environment => diagnostic,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cty::Value;
    use crate::framework::values::ValueExt;
    use crate::provider::schema::provider_schema;

    const CONFIG: &str =
        "[profile management]\nregion = us-east-1\n\n[default]\nregion = eu-west-1\n";
    const CREDENTIALS: &str =
        "[management]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n";

    fn fs() -> Fs {
        Fs::from_slice(&[
            ("/home/user/.aws/config", CONFIG),
            ("/home/user/.aws/credentials", CREDENTIALS),
        ])
    }

    async fn check(settings: &ProviderConfig, vars: &[(&str, &str)]) -> Option<Diagnostic> {
        let mut all = vec![("HOME", "/home/user")];
        all.extend_from_slice(vars);
        missing(settings, None, &fs(), &Env::from_slice(&all)).await
    }

    fn named(profile: &str) -> ProviderConfig {
        ProviderConfig {
            profile: Some(profile.into()),
            ..ProviderConfig::default()
        }
    }

    #[tokio::test]
    async fn a_profile_named_in_the_block_must_exist() {
        assert!(check(&named("management"), &[]).await.is_none());
        let error = check(&named("nope"), &[]).await.expect("reported");
        assert_eq!(error.summary, "AWS profile \"nope\" not found");
        assert_eq!(error.attribute, Some(AttributePath::root(PROFILE)));
        assert!(
            error
                .detail
                .contains("profile = \"nope\" in the provider block"),
            "{}",
            error.detail
        );
        assert!(
            error.detail.contains("~/.aws/config, ~/.aws/credentials"),
            "{}",
            error.detail
        );
        assert!(
            error.detail.contains("They define: default, management."),
            "{}",
            error.detail
        );
    }

    #[tokio::test]
    async fn aws_profile_counts_unless_keys_come_first() {
        let none = ProviderConfig::default();
        let error = check(&none, &[("AWS_PROFILE", "nope")])
            .await
            .expect("reported");
        assert_eq!(error.attribute, None);
        assert!(
            error
                .detail
                .starts_with("The environment variable AWS_PROFILE=nope"),
            "{}",
            error.detail
        );
        let env_keys = [("AWS_PROFILE", "nope"), ("AWS_ACCESS_KEY_ID", "AKIA")];
        assert!(check(&none, &env_keys).await.is_none(), "keys first");
        let mut block = provider_schema().empty_value();
        for (name, value) in [
            ("profile", "nope"),
            ("access_key", "AKIA"),
            ("secret_key", "s"),
        ] {
            block.set_attr(name, Value::from(value)).expect("an object");
        }
        let block_keys = ProviderConfig::from_value(&block, &mut Default::default());
        assert!(check(&block_keys, &[]).await.is_none(), "keys first");
        assert!(check(&none, &[]).await.is_none(), "no profile named");
    }

    #[tokio::test]
    async fn without_any_file_the_profile_is_still_named() {
        let error = missing(
            &named("nope"),
            None,
            &Fs::from_slice(&[]),
            &Env::from_slice(&[
                ("HOME", "/home/user"),
                ("AWS_CONFIG_FILE", "/etc/aws/config"),
            ]),
        )
        .await
        .expect("reported");
        assert!(
            error.detail.contains("/etc/aws/config (AWS_CONFIG_FILE)"),
            "{}",
            error.detail
        );
        assert!(
            error.detail.contains("They define no profile at all."),
            "{}",
            error.detail
        );
    }
}
