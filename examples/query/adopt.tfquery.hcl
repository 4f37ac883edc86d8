# The organization's centralized root access features: one result when any is enabled.
list "centralroot_organization_features" "this" {
  provider = centralroot
}

# Every delegated administrator, for every service with trusted access. Set
# service_principal = "iam.amazonaws.com" in config to list only those of IAM.
list "centralroot_delegated_admin" "all" {
  provider = centralroot
  limit    = 500
  config {}
}
