# In a .tfquery.hcl file, for `terraform query` (Terraform 1.14 and later): every member whose
# root user holds credentials, as the removal that deletes them.
#   terraform query -generate-config-out=removals.tf
#   terraform plan   # per member: one import, and the credentials the apply deletes
list "centralroot_root_credentials_removal" "members" {
  provider = centralroot
  limit    = 1000 # Terraform stops at 100 results unless told otherwise
  config {
    # organizational_unit_ids = ["ou-abcd-11111111"] # child units included
    # credential_types        = ["access_keys"]      # only these kinds, found and removed
  }
}
