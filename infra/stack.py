"""The gifsvc stack: one EC2 instance behind an Elastic IP, reachable on port 8888 only."""

from __future__ import annotations

from aws_cdk import CfnOutput, Duration, Fn, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct

from .host_setup import HostSetup, host_settings
from .nag import acknowledge_findings

ROOT_VOLUME_GIB = 16


class GifsvcStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        allowed_cidr: str,
        instance_type: str,
        key_pair_name: str | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        port = host_settings().public_port
        # One public subnet, no NAT gateway; the AZ comes from Fn::GetAZs, not an account lookup.
        vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=1,
            nat_gateways=0,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC)
            ],
        )
        web = ec2.SecurityGroup(
            self,
            "Web",
            vpc=vpc,
            allow_all_outbound=True,
            description=f"gifsvc: nginx on TCP {port} only; no SSH (Session Manager instead)",
        )
        web.add_ingress_rule(ec2.Peer.ipv4(allowed_cidr), ec2.Port.tcp(port), "gifsvc (nginx)")
        role = iam.Role(
            self,
            "InstanceRole",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore")
            ],
        )
        host = HostSetup(self, "Host", role=role)
        instance = ec2.Instance(
            self,
            "Instance",
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
            instance_type=ec2.InstanceType(instance_type),
            machine_image=ec2.MachineImage.latest_amazon_linux2023(),
            security_group=web,
            role=role,
            require_imdsv2=True,
            # The setup reaches the package mirrors and PyPI through the internet gateway.
            associate_public_ip_address=True,
            block_devices=[
                ec2.BlockDevice(
                    device_name="/dev/xvda",
                    volume=ec2.BlockDeviceVolume.ebs(
                        ROOT_VOLUME_GIB, encrypted=True, volume_type=ec2.EbsDeviceVolumeType.GP3
                    ),
                )
            ],
            key_pair=(
                ec2.KeyPair.from_key_pair_name(self, "KeyPair", key_pair_name)
                if key_pair_name
                else None
            ),
            init=host.init,
            init_options=ec2.ApplyCloudFormationInitOptions(timeout=Duration.minutes(20)),
            # A code change replaces the instance; the Elastic IP keeps the URL.
            user_data_causes_replacement=True,
        )
        cfn_instance = instance.node.default_child
        assert isinstance(cfn_instance, ec2.CfnInstance)
        cfn_instance.add_metadata("AWS::CloudFormation::Authentication", host.authentication(role))
        address = ec2.CfnEIP(self, "Address", domain="vpc")
        # An EIP in a VPC needs the internet gateway attached first.
        address.node.add_dependency(vpc.node.find_child("VPCGW"))
        ec2.CfnEIPAssociation(
            self,
            "AddressAssociation",
            allocation_id=address.attr_allocation_id,
            instance_id=instance.instance_id,
        )
        CfnOutput(self, "Url", value=Fn.join("", ["http://", address.ref, f":{port}/"]))
        CfnOutput(self, "InstanceId", value=instance.instance_id)
        CfnOutput(
            self,
            "SessionCommand",
            value=Fn.join(
                "",
                [
                    "aws ssm start-session --target ",
                    instance.instance_id,
                    " --region ",
                    self.region,
                ],
            ),
        )
        acknowledge_findings(instance=instance, role=role, vpc=vpc, web=web)
