# The provider runs as the management account or the IAM delegated administrator,
# with RootCredentialsManagement enabled (and RootSessions, to cover every reading
# of AWS's documentation).
data "centralroot_member_root_credentials" "workload" {
  account_id = "222222222222"
}

output "workload_root_has_credentials" {
  value = data.centralroot_member_root_credentials.workload.has_credentials
}
