# The organization's centralized root access features: one result when any is enabled.
list "centralroot_organization_features" "this" {
  provider = centralroot
}

# The delegated administrators for IAM. Only IAM's: without service_principal the list finds
# the administrators of every service with trusted access (Access Analyzer, GuardDuty, ...),
# the generated configuration adopts them all, and a later destroy of this configuration
# would deregister them.
list "centralroot_delegated_admin" "iam" {
  provider = centralroot
  limit    = 500
  config {
    service_principal = "iam.amazonaws.com"
  }
}
