"""The EC2 host: its role, the instance (pinned AMI, standard CPU credits) and the Elastic IP."""

from __future__ import annotations

from aws_cdk import Duration, Fn
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct

ROOT_VOLUME_GIB = 16
INIT_TIMEOUT = Duration.minutes(25)  # packages, the locked wheels and gifsicle's build


def instance_role(scope: Construct) -> iam.Role:
    """The instance's role: Session Manager, and the grants the other constructs add."""
    return iam.Role(
        scope,
        "InstanceRole",
        assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
        managed_policies=[
            iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore")
        ],
    )


def public_dns_name(ip: str, region: str) -> str:
    """EC2's public DNS name of an address (CloudFront origins need a name, not an IP)."""
    suffix = (
        "compute-1.amazonaws.com" if region == "us-east-1" else f"{region}.compute.amazonaws.com"
    )
    return Fn.join("", ["ec2-", Fn.join("-", Fn.split(".", ip)), f".{suffix}"])


class Host(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        gateway: ec2.CfnVPCGatewayAttachment,
        security_group: ec2.ISecurityGroup,
        role: iam.IRole,
        instance_type: str,
        ami_id: str,
        region: str,
        init: ec2.CloudFormationInit,
        key_pair_name: str | None,
    ) -> None:
        super().__init__(scope, construct_id)
        kind = ec2.InstanceType(instance_type)
        self.instance = ec2.Instance(
            self,
            "Instance",
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
            instance_type=kind,
            machine_image=ec2.MachineImage.generic_linux({region: ami_id}),
            # A burstable type runs at its baseline: no "unlimited" credits billed on top.
            credit_specification=ec2.CpuCredits.STANDARD if kind.is_burstable() else None,
            security_group=security_group,
            role=role,
            require_imdsv2=True,
            # The setup reaches the package mirrors and PyPI through the internet gateway.
            associate_public_ip_address=True,
            block_devices=[root_volume()],
            key_pair=self._key_pair(key_pair_name),
            init=init,
            init_options=ec2.ApplyCloudFormationInitOptions(timeout=INIT_TIMEOUT),
            # A code change replaces the instance; the Elastic IP keeps the URL.
            user_data_causes_replacement=True,
        )
        self.address = self._elastic_ip(gateway)
        self.dns_name = public_dns_name(self.address.ref, region)

    def _key_pair(self, name: str | None) -> ec2.IKeyPair | None:
        return ec2.KeyPair.from_key_pair_name(self, "KeyPair", name) if name else None

    def _elastic_ip(self, gateway: ec2.CfnVPCGatewayAttachment) -> ec2.CfnEIP:
        address = ec2.CfnEIP(self, "Address", domain="vpc")
        # The logical ID the stack had before its constructs: an update keeps the address.
        address.override_logical_id("Address")
        address.node.add_dependency(gateway)  # an EIP in a VPC needs the gateway attached
        ec2.CfnEIPAssociation(
            self,
            "AddressAssociation",
            allocation_id=address.attr_allocation_id,
            instance_id=self.instance.instance_id,
        )
        return address

    def add_metadata(self, key: str, value: object) -> None:
        cfn_instance = self.instance.node.default_child
        assert isinstance(cfn_instance, ec2.CfnInstance)
        cfn_instance.add_metadata(key, value)


def root_volume() -> ec2.BlockDevice:
    return ec2.BlockDevice(
        device_name="/dev/xvda",
        volume=ec2.BlockDeviceVolume.ebs(
            ROOT_VOLUME_GIB, encrypted=True, volume_type=ec2.EbsDeviceVolumeType.GP3
        ),
    )
