# Let the security tooling account manage member root credentials on the organization's behalf.
resource "centralroot_delegated_admin" "security" {
  account_id = "222222222222"
  # service_principal defaults to "iam.amazonaws.com".
}
