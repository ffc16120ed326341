variable "vpc_name" {
  default = "demo-vpc"
}

variable "subnet_count" {
  default = 1
}

variable "disk_size" {
  default = 10
}

resource "huaweicloud_vpc" "vpc" {
  name = var.vpc_name
  cidr = "192.168.0.0/16"
}

resource "huaweicloud_vpc_subnet" "subnet" {
  count      = var.subnet_count
  name       = "${var.vpc_name}-subnet-${count.index}"
  cidr       = "192.168.${count.index}.0/24"
  gateway_ip = "192.168.${count.index}.1"
  vpc_id     = huaweicloud_vpc.vpc.id
}

resource "huaweicloud_evs_volume" "data" {
  name              = "${var.vpc_name}-data"
  volume_type       = "SSD"
  size              = var.disk_size
  availability_zone = "ap-southeast-1a"
}

output "vpc_id" {
  value       = huaweicloud_vpc.vpc.id
  description = "ID of the demo VPC"
}
