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

# Credentials and endpoints come from the environment (AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL, ...).
provider "centralroot" {}
