# In a .tfquery.hcl file, for `terraform query` (Terraform 1.14 and later): the organization's
# features, when any is enabled.
list "centralroot_organization_features" "this" {
  provider = centralroot
}
