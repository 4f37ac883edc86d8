//! The AWS partition the provider works in: `aws`, `aws-us-gov`, `aws-cn` and the isolated
//! ones. The ARNs the provider writes (root task policies, root users) are in it, and IAM and
//! Organizations are reached in its global Region.
//!
//! It is read from the configured Region, not from the caller's ARN: the Region is known
//! without a request (a clean member costs exactly two), and it must be in the credentials'
//! partition anyway, since `sts:AssumeRoot` is served only by the regional STS endpoints of the
//! partition the credentials belong to.

use std::fmt;

/// An AWS partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Partition {
    /// The commercial Regions.
    #[default]
    Aws,
    /// AWS GovCloud (US).
    AwsUsGov,
    /// The China Regions.
    AwsCn,
    /// The US ISO (Top Secret) Regions.
    AwsIso,
    /// The US ISOB (Secret) Regions.
    AwsIsoB,
    /// The EU ISOE Regions.
    AwsIsoE,
    /// The US ISOF Regions.
    AwsIsoF,
}

impl Partition {
    /// The partition of `region`, by its prefix (`us-gov-west-1`, `cn-north-1`, …); a Region
    /// that names no other partition, or none at all, is in `aws`.
    pub fn of_region(region: Option<&str>) -> Partition {
        let region = region.unwrap_or_default();
        [
            ("us-gov-", Partition::AwsUsGov),
            ("cn-", Partition::AwsCn),
            ("us-isob-", Partition::AwsIsoB),
            ("us-isof-", Partition::AwsIsoF),
            ("us-iso-", Partition::AwsIso),
            ("eu-isoe-", Partition::AwsIsoE),
        ]
        .into_iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map_or(Partition::Aws, |(_, partition)| partition)
    }

    /// The partition's name as ARNs spell it, e.g. `aws-us-gov`.
    pub fn name(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsUsGov => "aws-us-gov",
            Partition::AwsCn => "aws-cn",
            Partition::AwsIso => "aws-iso",
            Partition::AwsIsoB => "aws-iso-b",
            Partition::AwsIsoE => "aws-iso-e",
            Partition::AwsIsoF => "aws-iso-f",
        }
    }

    /// The Region IAM and Organizations, global services, are signed for and reached in.
    pub fn global_region(self) -> &'static str {
        match self {
            Partition::Aws => "us-east-1",
            Partition::AwsUsGov => "us-gov-west-1",
            Partition::AwsCn => "cn-north-1",
            Partition::AwsIso => "us-iso-east-1",
            Partition::AwsIsoB => "us-isob-east-1",
            Partition::AwsIsoE => "eu-isoe-west-1",
            Partition::AwsIsoF => "us-isof-south-1",
        }
    }

    /// `arn:<partition>:` followed by `rest`.
    pub fn arn(self, rest: &str) -> String {
        format!("arn:{self}:{rest}")
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_name_their_partition_and_its_global_region() {
        let cases = [
            (Some("us-east-1"), "aws", "us-east-1"),
            (Some("eu-west-3"), "aws", "us-east-1"),
            (None, "aws", "us-east-1"),
            (Some("us-gov-west-1"), "aws-us-gov", "us-gov-west-1"),
            (Some("us-gov-east-1"), "aws-us-gov", "us-gov-west-1"),
            (Some("cn-northwest-1"), "aws-cn", "cn-north-1"),
            (Some("us-iso-west-1"), "aws-iso", "us-iso-east-1"),
            (Some("us-isob-east-1"), "aws-iso-b", "us-isob-east-1"),
            (Some("eu-isoe-west-1"), "aws-iso-e", "eu-isoe-west-1"),
            (Some("us-isof-east-1"), "aws-iso-f", "us-isof-south-1"),
        ];
        for (region, name, global) in cases {
            let partition = Partition::of_region(region);
            assert_eq!(partition.name(), name, "{region:?}");
            assert_eq!(partition.global_region(), global, "{region:?}");
        }
        assert_eq!(
            Partition::AwsCn.arn("iam::222222222222:root"),
            "arn:aws-cn:iam::222222222222:root"
        );
    }
}
