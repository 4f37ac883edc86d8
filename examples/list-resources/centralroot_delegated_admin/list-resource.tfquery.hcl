# In a .tfquery.hcl file, for `terraform query` (Terraform 1.14 and later): the delegated
# administrators for IAM. Leave config empty to list those of every service.
list "centralroot_delegated_admin" "iam" {
  provider = centralroot
  config {
    service_principal = "iam.amazonaws.com"
  }
}
