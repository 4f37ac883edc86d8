terraform {
  required_providers {
    centralroot = {
      source = "centralroot/centralroot"
    }
  }
}

# Credentials of the organization's management account, from the environment, a profile
# or an assumed role: the same settings as the hashicorp/aws provider.
provider "centralroot" {
  profile = "management"

  assume_role {
    role_arn     = "arn:aws:iam::111111111111:role/OrganizationAdmin"
    session_name = "terraform-centralroot"
  }
}
