"""Huawei Cloud API simulator (IAM tokens, CDM clusters, AOS stacks) for testing hwcloud.cloud."""

__version__ = "1.0.0"
