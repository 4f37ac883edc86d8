terraform {
  required_version = ">= 1.10" # ephemeral resources
  required_providers {
    centralroot = {
      source = "centralroot/centralroot"
    }
  }
}

# A root session on a member account, limited to auditing its root user's credentials. The
# credentials exist only while Terraform runs: they reach neither the plan nor the state.
ephemeral "centralroot_root_session" "audit" {
  account_id  = "222222222222"
  task_policy = "IAMAuditRootUserCredentials"
  duration    = "5m" # at most 15m, the AWS limit; there is no renewal
}

# A second provider block that acts as the member account's root user.
provider "centralroot" {
  alias      = "member_root"
  access_key = ephemeral.centralroot_root_session.audit.access_key_id
  secret_key = ephemeral.centralroot_root_session.audit.secret_access_key
  token      = ephemeral.centralroot_root_session.audit.session_token
}

data "centralroot_caller_identity" "member_root" {
  provider = centralroot.member_root
}

output "member_root_arn" {
  value = data.centralroot_caller_identity.member_root.arn # arn:aws:iam::222222222222:root
}
