# The organization features are imported by the organization id.
terraform import centralroot_organization_features.this o-aa111bb222
