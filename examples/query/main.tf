# Adopting an organization set up without Terraform (Terraform 1.14 and later):
#   terraform query -generate-config-out=generated.tf
#   terraform plan     # imports everything, changes nothing
#   terraform apply
# The list blocks are in adopt.tfquery.hcl; required_providers must stay in a .tf file.
terraform {
  required_providers {
    centralroot = {
      source = "centralroot/centralroot"
    }
  }
}

# Credentials of the management account, as for hashicorp/aws: environment, profile
# (profile = "management") or assume_role.
provider "centralroot" {}
