# Break-glass: while this resource exists, the root user of 222222222222 can set a
# password with "Forgot password" on the sign-in page, from the account's root email.
# Destroying it ends the window: the login profile (and any password set through it)
# is deleted.
resource "centralroot_root_password_recovery" "workload" {
  account_id = "222222222222"
}

output "recovery_root_session" {
  description = "For auditors: the root session that allowed recovery (never a secret)."
  value       = centralroot_root_password_recovery.workload.root_session
}
