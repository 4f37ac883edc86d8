# Terraform 1.14 or later:
#   terraform apply -invoke=action.centralroot_delete_root_credentials.workload
action "centralroot_delete_root_credentials" "workload" {
  config {
    account_id       = "222222222222"
    credential_types = ["access_keys", "signing_certificates"]
  }
}
