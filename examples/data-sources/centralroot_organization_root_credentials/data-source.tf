data "centralroot_organization_root_credentials" "all" {
  max_concurrency = 20
}

# Keep every member account free of root credentials, and every account auditable.
check "no_member_root_credentials" {
  assert {
    condition     = length(data.centralroot_organization_root_credentials.all.accounts_with_credentials) == 0
    error_message = "Members with root credentials: ${join(", ", data.centralroot_organization_root_credentials.all.accounts_with_credentials)}"
  }
  assert {
    condition     = length(data.centralroot_organization_root_credentials.all.accounts_not_audited) == 0
    error_message = "Members that could not be audited: ${join(", ", data.centralroot_organization_root_credentials.all.accounts_not_audited)}"
  }
}
