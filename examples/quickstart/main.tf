# Centralized root access in one apply: trusted access for IAM, both features, and a
# delegated administrator. scripts/demo.sh runs this against the local sandbox.
terraform {
  required_providers {
    centralroot = {
      source = "centralroot/centralroot"
    }
  }
}

variable "delegated_admin_account_id" {
  description = "Member account that administers root access on the organization's behalf."
  type        = string
  default     = "222222222222"
}

# Credentials and endpoints come from the environment (AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL, ...).
provider "centralroot" {}

resource "centralroot_organization_features" "this" {
  enable_trusted_access = true
  enabled_features      = ["RootCredentialsManagement", "RootSessions"]
}

resource "centralroot_delegated_admin" "iam" {
  account_id = var.delegated_admin_account_id

  # Registering needs trusted access, which the features resource turns on.
  depends_on = [centralroot_organization_features.this]
}

output "organization_id" {
  value = centralroot_organization_features.this.id
}

output "delegated_admin" {
  value = {
    account = centralroot_delegated_admin.iam.account_id
    name    = centralroot_delegated_admin.iam.name
    since   = centralroot_delegated_admin.iam.delegation_enabled_date
  }
}
