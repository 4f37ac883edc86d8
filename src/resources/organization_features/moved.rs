//! `moved` blocks from hashicorp/aws's `aws_iam_organizations_features`.

use std::collections::BTreeSet;

use super::TYPE_NAME;
use super::import::parse_import_id;
use super::model::State;
use super::{ENABLED_FEATURES, ID};
use crate::aws::Feature;
use crate::framework::resource::{MoveSource, MoveStateRequest, MoveStateResponse};
use crate::types_common::moved::{self, MoveError};

/// The hashicorp/aws type whose state `moved` blocks bring here.
pub(super) const MOVE_SOURCE: MoveSource = MoveSource {
    provider: moved::HASHICORP_AWS,
    type_name: "aws_iam_organizations_features",
};

/// The state of an `aws_iam_organizations_features` (`{"id": "o-…", "enabled_features":
/// [...]}`). `enable_trusted_access` records what import records, whether trusted access for
/// IAM is on, without asking AWS: IAM enables its organization features only while trusted
/// access is on, so a state with features says it was on. A configuration that leaves the
/// argument out keeps that, so a moved and an imported organization read the same.
fn moved_state(source: &serde_json::Value) -> Result<State, MoveError> {
    let id = moved::string(source, ID)?;
    let organization_id = parse_import_id(id)
        .map_err(|_| MoveError::invalid(ID, &source[ID], "expected an organization ID o-…"))?;
    let names = source
        .get(ENABLED_FEATURES)
        .and_then(serde_json::Value::as_array)
        .ok_or(MoveError::Missing(ENABLED_FEATURES))?;
    let enabled: BTreeSet<Feature> = names
        .iter()
        .map(|name| {
            name.as_str().and_then(Feature::parse).ok_or_else(|| {
                MoveError::invalid(
                    ENABLED_FEATURES,
                    name,
                    format!(
                        "expected one of {}",
                        Feature::ALL.map(Feature::as_str).join(", ")
                    ),
                )
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(State {
        organization_id: Some(organization_id.to_owned()),
        enable_trusted_access: !enabled.is_empty(),
        enabled,
    })
}

/// Reads the source state of a `moved` block.
pub(super) fn move_state(req: MoveStateRequest, resp: &mut MoveStateResponse) {
    moved::answer(&req, resp, TYPE_NAME, &MOVE_SOURCE, |req| {
        moved_state(&req.source_state).map(|state| state.to_value())
    });
}

#[cfg(test)]
mod tests {
    use crate::cty::Value;
    use crate::framework::values::ValueExt;
    use crate::resources::organization_features::OrganizationFeaturesResource;
    use crate::resources::test_support::{
        STATE_5, STATE_6, error_text, fixture, move_request, moved_fixture, refused_move,
    };

    #[tokio::test]
    async fn features_move_from_both_hashicorp_aws_versions() {
        for fixture_state in [STATE_5, STATE_6] {
            let resource = &OrganizationFeaturesResource;
            let (_, resp) =
                moved_fixture(resource, fixture_state, "aws_iam_organizations_features").await;
            assert!(!resp.diagnostics.has_errors(), "{}", error_text(&resp));
            assert_eq!(resp.state.attr("id").as_str(), Some("o-aa111bb222"));
            assert_eq!(
                resp.state.attr("organization_id").as_str(),
                Some("o-aa111bb222")
            );
            assert_eq!(
                resp.state
                    .attr("enabled_features")
                    .elements()
                    .map(<[Value]>::len),
                Some(2)
            );
            assert_eq!(
                resp.state.attr("enable_trusted_access").as_bool(),
                Some(true),
                "as import records it: the features are on, so trusted access was"
            );
            assert!(resp.state.is_wholly_known());
        }
    }

    #[tokio::test]
    async fn unreadable_sources_are_refused_naming_what_is_accepted() {
        let (features, _) = fixture(STATE_5, "aws_iam_organizations_features");
        let mut bad_feature = features.clone();
        bad_feature["enabled_features"] = serde_json::json!(["RootSessions", "Nonsense"]);
        let mut newer = move_request("aws_iam_organizations_features", features, None);
        newer.source_schema_version = 1;
        let cases = [
            (
                move_request("aws_iam_organizations_features", bad_feature, None),
                "\"Nonsense\"",
            ),
            (newer, "schema version 1"),
            (
                move_request(
                    "aws_iam_organizations_features",
                    serde_json::json!({}),
                    None,
                ),
                "\"id\"",
            ),
        ];
        for (req, mention) in cases {
            refused_move(&OrganizationFeaturesResource, req, mention).await;
        }
    }
}
