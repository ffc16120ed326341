variable "vpc_name" {
  default = "molecule-vpc"
}

resource "huaweicloud_vpc" "vpc" {
  name = var.vpc_name
  cidr = "10.10.0.0/16"
}

output "vpc_id" {
  value = huaweicloud_vpc.vpc.id
}
