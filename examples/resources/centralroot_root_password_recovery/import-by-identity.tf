# Terraform 1.12 and later: import by identity.
import {
  to = centralroot_root_password_recovery.workload
  identity = {
    account_id = "222222222222"
  }
}
