//! Apply: bringing the organization's features to the plan, recording what AWS has after
//! every change, and reporting why it stopped.

use std::collections::BTreeSet;

use tokio_util::sync::CancellationToken;

use super::TARGETS;
use super::model::{Plan, State};
use crate::aws::{Aws, AwsError, ErrorKind, Feature, IAM_SERVICE_PRINCIPAL};
use crate::framework::Context;
use crate::framework::diagnostics::Diagnostics;

/// What create and update must do to reach the configured set from the enabled one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeatureChanges {
    /// Configured but not enabled.
    pub enable: Vec<Feature>,
    /// Enabled but not configured: the resource owns the whole set.
    pub disable: Vec<Feature>,
}

impl FeatureChanges {
    /// The calls that turn `enabled` into `wanted`.
    pub fn between(enabled: &BTreeSet<Feature>, wanted: &BTreeSet<Feature>) -> Self {
        Self {
            enable: wanted.difference(enabled).copied().collect(),
            disable: enabled.difference(wanted).copied().collect(),
        }
    }

    /// Whether nothing needs to change.
    pub fn is_empty(&self) -> bool {
        self.enable.is_empty() && self.disable.is_empty()
    }
}

/// Runs `call`, waiting out trusted-access propagation only when this resource turns trusted
/// access on; otherwise ServiceAccessNotEnabled is a configuration problem to report at once.
/// `stop` ends the wait, not a call in flight.
async fn guarded<T, F, Fut>(
    aws: &Aws,
    stop: &CancellationToken,
    enable_trusted_access: bool,
    mut call: F,
) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, AwsError>>,
{
    if enable_trusted_access {
        aws.while_trusted_access_propagates(stop, call).await
    } else {
        call().await
    }
}

/// Brings the organization's features to what `plan` asks, turning on trusted access first
/// when asked, and calls `record` with the state AWS has after each change it confirms, so an
/// interruption or a failure at any point leaves that state behind. `start` is the state before
/// the first change (`None` on create, where the organization is not known yet).
///
/// `stop` (Terraform's Ctrl-C) ends only the propagation wait: every call sent runs to
/// completion and is recorded, and the feature calls follow one another without a stop
/// between them, because finishing a short call beats leaving a partial object.
pub(super) async fn converge(
    aws: &Aws,
    stop: &CancellationToken,
    plan: &Plan,
    start: Option<State>,
    record: &mut impl FnMut(&State),
) -> Result<State, AwsError> {
    let trusted = plan.enable_trusted_access;
    if trusted && aws.ensure_iam_trusted_access().await? {
        let organization_id = match &start {
            Some(State {
                organization_id: Some(id),
                ..
            }) => Ok(id.clone()),
            _ => aws.organization().await.map(|org| org.id),
        };
        match organization_id {
            // Until IAM sees trusted access, no feature can be in use: read reports none.
            Ok(id) => record(&State {
                organization_id: Some(id),
                enabled: start.map(|s| s.enabled).unwrap_or_default(),
                enable_trusted_access: trusted,
            }),
            // Trusted access on is nothing this resource owns (destroy leaves it on), so
            // going on without recording it loses nothing.
            Err(err) => {
                tracing::debug!(%err, "trusted access enabled; state waits for the features")
            }
        }
    }
    let mut current = guarded(aws, stop, trusted, || aws.list_features()).await?;
    let changes = FeatureChanges::between(&current.enabled, &plan.wanted);
    tracing::debug!(?changes, "organization feature changes");
    for feature in changes.enable {
        current = guarded(aws, stop, trusted, || aws.enable_feature(feature)).await?;
        record(&State::reported(&current, plan));
    }
    for feature in changes.disable {
        current = guarded(aws, stop, trusted, || aws.disable_feature(feature)).await?;
        record(&State::reported(&current, plan));
    }
    Ok(State::reported(&current, plan))
}

/// After a failed change, what is really enabled: a change whose answer was lost may have been
/// made. `None` when even that read fails, or Terraform asked to stop, and the last recorded
/// state must do.
pub(super) async fn enabled_now(ctx: &Context<Aws>) -> Option<BTreeSet<Feature>> {
    let read = ctx.unless_cancelled(ctx.provider_data().list_features());
    read.await?.ok().map(|found| found.enabled)
}

/// Reports why `converge` failed: a propagation wait that Terraform's Ctrl-C ended is said as
/// such, anything else as AWS answered.
pub(super) fn report_failure(
    ctx: &Context<Aws>,
    plan: &Plan,
    err: &AwsError,
    diags: &mut Diagnostics,
) {
    if ctx.is_cancelled()
        && plan.enable_trusted_access
        && err.kind == ErrorKind::ServiceAccessNotEnabled
    {
        diags.error(
            "Interrupted while trusted access propagates",
            format!(
                "Trusted access for {IAM_SERVICE_PRINCIPAL} is on, but IAM did not see it yet \
                 when Terraform asked the provider to stop, so the features are not enabled \
                 yet. The state records exactly that; run `terraform apply` again to enable \
                 them."
            ),
        );
    } else {
        TARGETS.report(diags, err);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::test_support::feature_set;
    use Feature::{RootCredentialsManagement as Rcm, RootSessions as Rs};

    #[test]
    fn changes_enable_the_missing_and_disable_the_unconfigured() {
        let cases = [
            (
                feature_set(&[]),
                feature_set(&[Rcm, Rs]),
                vec![Rcm, Rs],
                vec![],
            ),
            (feature_set(&[Rcm]), feature_set(&[Rs]), vec![Rs], vec![Rcm]),
            (
                feature_set(&[Rcm, Rs]),
                feature_set(&[Rcm]),
                vec![],
                vec![Rs],
            ),
            (feature_set(&[Rs]), feature_set(&[Rs]), vec![], vec![]),
        ];
        for (enabled, wanted, enable, disable) in cases {
            let changes = FeatureChanges::between(&enabled, &wanted);
            assert_eq!(changes.enable, enable, "{enabled:?} -> {wanted:?}");
            assert_eq!(changes.disable, disable, "{enabled:?} -> {wanted:?}");
            assert_eq!(changes.is_empty(), enabled == wanted);
        }
    }
}
