# The RFS stack of make test-live: one VPC, which Huawei Cloud does not charge for
# (no subnet, no EIP, no instance). Changing `description` is an in-place update.
terraform {
  required_providers {
    huaweicloud = {
      source  = "huawei.com/provider/huaweicloud"
      version = ">= 1.70.1"
    }
  }
}

variable "vpc_name" {
  type = string
}

variable "description" {
  type = string
}

resource "huaweicloud_vpc" "scratch" {
  name        = var.vpc_name
  cidr        = "192.168.0.0/24"
  description = var.description
}

output "vpc_id" {
  value = huaweicloud_vpc.scratch.id
}
