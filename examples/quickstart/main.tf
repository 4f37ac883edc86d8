# Centralized root access in one apply: trusted access for IAM, both features, and a
# delegated administrator. scripts/demo.sh runs this against the local sandbox.
terraform {
  required_providers {
    centralroot = {
      source = "centralroot/centralroot"
    }
  }
}

variable "management_account_id" {
  description = "The organization's management account: the only account the provider may run as."
  type        = string
  default     = "111111111111" # the sandbox's
}

variable "delegated_admin_account_id" {
  description = "Member account that administers root access on the organization's behalf."
  type        = string
  default     = "222222222222"
}

# Credentials of the management account, as for hashicorp/aws: environment, profile or
# assume_role. Against the sandbox, README.md's recipe and scripts/demo.sh add its endpoints
# and keys in sandbox_override.tf.
provider "centralroot" {
  # The provider checks which account the credentials belong to, and stops on any other.
  allowed_account_ids = [var.management_account_id]
}

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
