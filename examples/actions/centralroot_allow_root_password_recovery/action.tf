# Terraform 1.14 or later:
#   terraform apply -invoke=action.centralroot_allow_root_password_recovery.workload
action "centralroot_allow_root_password_recovery" "workload" {
  config {
    account_id = "222222222222"
  }
}
