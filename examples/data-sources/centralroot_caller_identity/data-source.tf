# Which account and principal the provider runs as: the management account or the IAM
# delegated administrator.
data "centralroot_caller_identity" "current" {}

output "running_as" {
  value = data.centralroot_caller_identity.current.arn
}
