# Every member account keeps no root password, access key, signing certificate
# or active MFA device. Credentials that reappear are removed by the next apply;
# a member that cannot be audited keeps its state, and the plan warns about it.
data "centralroot_organization_root_credentials" "all" {}

resource "centralroot_root_credentials_removal" "member" {
  for_each   = toset([for a in data.centralroot_organization_root_credentials.all.accounts : a.account_id])
  account_id = each.key
}
