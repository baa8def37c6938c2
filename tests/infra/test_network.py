"""The network: one public subnet, one open port."""

from __future__ import annotations

import json

from aws_cdk.assertions import Template

from .template import (
    CONTEXT,
    PORT,
    resources,
    the,
)


def test_only_port_8888_is_open_and_never_ssh(template: Template):
    group = the(template, "AWS::EC2::SecurityGroup")
    assert group["Properties"]["SecurityGroupIngress"] == [
        {
            "CidrIp": CONTEXT["allowed_cidr"],
            "Description": "gifsvc (nginx)",
            "FromPort": PORT,
            "IpProtocol": "tcp",
            "ToPort": PORT,
        }
    ]
    assert resources(template, "AWS::EC2::SecurityGroupIngress") == {}
    assert '"FromPort": 22' not in json.dumps(template.to_json())
    assert "KeyName" not in the(template, "AWS::EC2::Instance")["Properties"]


def test_vpc_has_one_public_subnet_no_nat_and_dns_hostnames(template: Template):
    assert len(resources(template, "AWS::EC2::Subnet")) == 1
    assert resources(template, "AWS::EC2::NatGateway") == {}
    # CloudFront reaches the Elastic IP by its EC2 public DNS name.
    assert the(template, "AWS::EC2::VPC")["Properties"]["EnableDnsHostnames"] is True
