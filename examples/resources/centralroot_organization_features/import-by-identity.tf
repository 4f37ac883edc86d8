# Terraform 1.12 and later: import by identity, the organization ID.
import {
  to = centralroot_organization_features.this
  identity = {
    organization_id = "o-aa111bb222"
  }
}
