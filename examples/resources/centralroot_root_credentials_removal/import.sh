# By the member's account ID: the imported removal selects every kind of credential.
terraform import centralroot_root_credentials_removal.workload 222222222222
