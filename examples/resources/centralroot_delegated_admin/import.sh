# By account id, for the default service principal iam.amazonaws.com ...
terraform import centralroot_delegated_admin.security 222222222222

# ... or by account id and service principal.
terraform import centralroot_delegated_admin.security 222222222222/iam.amazonaws.com
