# Terraform 1.14 or later:
#   terraform apply -invoke=action.centralroot_unlock_sqs_queue_policy.orders
action "centralroot_unlock_sqs_queue_policy" "orders" {
  config {
    account_id = "222222222222"
    queue_url  = "https://sqs.us-east-1.amazonaws.com/222222222222/orders"
  }
}
