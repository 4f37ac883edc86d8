# Terraform 1.12 and later: import by identity. service_principal may be left out for
# iam.amazonaws.com.
import {
  to = centralroot_delegated_admin.security
  identity = {
    account_id        = "222222222222"
    service_principal = "iam.amazonaws.com"
  }
}
