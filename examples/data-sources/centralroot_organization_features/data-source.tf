data "centralroot_organization_features" "current" {}

# Fail the plan when the organization is not compliant with
# "Ensure Centralized Root Credentials Management is Enabled".
check "centralized_root_access" {
  assert {
    condition     = data.centralroot_organization_features.current.iam_trusted_access_enabled
    error_message = "Trusted access for iam.amazonaws.com is off in AWS Organizations."
  }
  assert {
    condition     = contains(data.centralroot_organization_features.current.enabled_features, "RootCredentialsManagement")
    error_message = "RootCredentialsManagement is not enabled for the organization."
  }
}
