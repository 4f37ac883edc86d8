# Terraform 1.12 and later: import by identity. `terraform query` writes such blocks for every
# member holding root credentials (list resource centralroot_root_credentials_removal).
import {
  to = centralroot_root_credentials_removal.workload
  identity = {
    account_id = "222222222222"
  }
}
