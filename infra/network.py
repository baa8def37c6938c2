"""The network: one public subnet without a NAT gateway, and a security group open on one port."""

from __future__ import annotations

from aws_cdk import aws_ec2 as ec2
from constructs import Construct


class Network(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, allowed_cidr: str, port: int
    ) -> None:
        super().__init__(scope, construct_id)
        # The AZ comes from Fn::GetAZs, not an account lookup. DNS hostnames stay on (the
        # default): CloudFront reaches the Elastic IP by its public DNS name.
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=1,
            nat_gateways=0,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC)
            ],
        )
        self.web = ec2.SecurityGroup(
            self,
            "Web",
            vpc=self.vpc,
            allow_all_outbound=True,
            description=f"gifsvc: nginx on TCP {port} only; no SSH (Session Manager instead)",
        )
        self.web.add_ingress_rule(ec2.Peer.ipv4(allowed_cidr), ec2.Port.tcp(port), "gifsvc (nginx)")

    @property
    def gateway(self) -> ec2.CfnVPCGatewayAttachment:
        """The internet gateway's attachment: an Elastic IP in a VPC needs it first."""
        attachment = self.vpc.node.find_child("VPCGW")
        assert isinstance(attachment, ec2.CfnVPCGatewayAttachment)
        return attachment
