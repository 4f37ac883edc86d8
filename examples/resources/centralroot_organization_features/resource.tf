# Turn on centralized root access for every member account: trusted access for IAM in
# AWS Organizations first (when it is off), then both IAM organization features.
resource "centralroot_organization_features" "this" {
  enable_trusted_access = true
  enabled_features      = ["RootCredentialsManagement", "RootSessions"]
}
