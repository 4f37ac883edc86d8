# Terraform 1.14 or later:
#   terraform apply -invoke=action.centralroot_unlock_s3_bucket_policy.logs
action "centralroot_unlock_s3_bucket_policy" "logs" {
  config {
    account_id = "222222222222"
    bucket     = "workload-logs"
    region     = "eu-west-1" # where to ask first; S3's redirect finds the bucket elsewhere
  }
}
