# By account id: an open recovery window (the root user has a login profile).
terraform import centralroot_root_password_recovery.workload 222222222222
