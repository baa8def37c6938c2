"""The hosts: an Application Load Balancer in front of an Auto Scaling group across two AZs.

Each host is provisioned like the single instance (cfn-init running scripts/provision: nginx on
the public port in front of the service); a code change rolls through the group one host at a
time, each new host counted in only once its /healthz answers through nginx.
"""

from __future__ import annotations

import json
from pathlib import Path

from aws_cdk import Duration, Stack
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from constructs import Construct

from .host_init import FleetHostInit

ROOT_VOLUME_GIB = 16
HEALTH_PATH = "/healthz"
ORIGIN_HEADER = "X-Gifsvc-Origin"
NOT_THROUGH_CLOUDFRONT = json.dumps(
    {"error": {"code": "not_found", "message": "There is no such page or GIF."}}
)


class FleetHosts(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        instance_type: str,
        ami_id: str,
        repo: Path,
        min_hosts: int,
        max_hosts: int,
        cpu_target_percent: int,
        port: int,
        idle_timeout_s: int,
        gifs: s3.IBucket,
        gif_prefix: str,
        env_file: str,
        origin_secret: str,
        logs: s3.IBucket,
        notifications: sns.ITopic,
    ) -> None:
        super().__init__(scope, construct_id)
        self.role = _host_role(self, gifs, gif_prefix)
        self.balancer_group, self.host_group = _security_groups(self, vpc, port)
        host_init = FleetHostInit(
            self, "Init", role=self.role, env_file=env_file, port=port, repo=repo
        )
        self.group = autoscaling.AutoScalingGroup(
            self,
            "Group",
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            instance_type=ec2.InstanceType(instance_type),
            # The AMI cdk.json pins (scripts/pin-ami): a deploy with no change changes nothing.
            machine_image=ec2.MachineImage.generic_linux({Stack.of(self).region: ami_id}),
            role=self.role,
            security_group=self.host_group,
            require_imdsv2=True,
            min_capacity=min_hosts,
            max_capacity=max_hosts,
            block_devices=[_root_volume()],
            init=host_init.init,
            init_options=autoscaling.ApplyCloudFormationInitOptions(),
            signals=autoscaling.Signals.wait_for_min_capacity(timeout=Duration.minutes(20)),
            # One host at a time; the others keep serving; each new one signals after /healthz.
            update_policy=autoscaling.UpdatePolicy.rolling_update(
                max_batch_size=1,
                min_instances_in_service=min_hosts,
                pause_time=Duration.minutes(20),
                wait_on_resource_signals=True,
            ),
            health_checks=autoscaling.HealthChecks.with_additional_checks(
                additional_types=[autoscaling.AdditionalHealthCheckType.ELB],
                grace_period=Duration.minutes(15),
            ),
            notifications=[autoscaling.NotificationConfiguration(topic=notifications)],
        )
        cfn_group = self.group.node.default_child
        assert isinstance(cfn_group, autoscaling.CfnAutoScalingGroup)
        cfn_group.add_metadata(
            "AWS::CloudFormation::Authentication", host_init.authentication(self.role)
        )
        # Compositions are CPU-bound: CPU is what a new host relieves.
        self.group.scale_on_cpu_utilization(
            "CpuTarget", target_utilization_percent=cpu_target_percent
        )
        self.balancer = self._balancer(vpc, idle_timeout_s, logs)
        self.targets = self._targets(vpc, port, idle_timeout_s)
        self.listener = self._listener(origin_secret)

    def _balancer(
        self, vpc: ec2.IVpc, idle_timeout_s: int, logs: s3.IBucket
    ) -> elbv2.ApplicationLoadBalancer:
        balancer = elbv2.ApplicationLoadBalancer(
            self,
            "Balancer",
            vpc=vpc,
            internet_facing=True,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
            security_group=self.balancer_group,
            # Long enough for the largest upload and its composition (the default 60 s is not).
            idle_timeout=Duration.seconds(idle_timeout_s),
            drop_invalid_header_fields=True,
            # CloudFront appended the viewer's address to X-Forwarded-For: keep it the last one
            # (nginx believes that one from the load balancer's range) instead of appending the
            # CloudFront edge's own.
            xff_header_processing_mode=elbv2.XffHeaderProcessingMode.PRESERVE,
        )
        balancer.log_access_logs(logs, prefix="alb")
        return balancer

    def _targets(
        self, vpc: ec2.IVpc, port: int, idle_timeout_s: int
    ) -> elbv2.ApplicationTargetGroup:
        return elbv2.ApplicationTargetGroup(
            self,
            "Hosts",
            vpc=vpc,
            port=port,
            protocol=elbv2.ApplicationProtocol.HTTP,
            targets=[self.group],
            health_check=elbv2.HealthCheck(
                path=HEALTH_PATH,
                port=str(port),
                healthy_http_codes="200",
                interval=Duration.seconds(15),
                healthy_threshold_count=2,
                unhealthy_threshold_count=3,
            ),
            # A host leaving the group finishes the requests it has.
            deregistration_delay=Duration.seconds(idle_timeout_s),
        )

    def _listener(self, origin_secret: str) -> elbv2.ApplicationListener:
        listener = self.balancer.add_listener(
            "Http",
            port=80,
            open=False,
            default_action=elbv2.ListenerAction.fixed_response(
                404, content_type="application/json", message_body=NOT_THROUGH_CLOUDFRONT
            ),
        )
        # Only requests through CloudFront carry the origin header: everything else is 404,
        # so X-Forwarded-For always holds CloudFront's view of the client.
        listener.add_action(
            "ThroughCloudFront",
            priority=1,
            conditions=[elbv2.ListenerCondition.http_header(ORIGIN_HEADER, [origin_secret])],
            action=elbv2.ListenerAction.forward([self.targets]),
        )
        return listener


def _host_role(scope: Construct, gifs: s3.IBucket, gif_prefix: str) -> iam.Role:
    role = iam.Role(
        scope,
        "HostRole",
        assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
        managed_policies=[
            iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore")
        ],
    )
    _grant_gif_objects(role, gifs, gif_prefix)
    return role


def _security_groups(
    scope: Construct, vpc: ec2.IVpc, port: int
) -> tuple[ec2.SecurityGroup, ec2.SecurityGroup]:
    """The load balancer's (HTTP in, to the hosts out) and the hosts' (from it only)."""
    balancer = ec2.SecurityGroup(
        scope,
        "BalancerGroup",
        vpc=vpc,
        allow_all_outbound=False,
        description="gifsvc fleet: the load balancer, HTTP from CloudFront (origin header)",
    )
    balancer.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(80), "HTTP")
    hosts = ec2.SecurityGroup(
        scope,
        "HostGroup",
        vpc=vpc,
        allow_all_outbound=True,
        description=f"gifsvc fleet hosts: nginx on TCP {port}, from the load balancer only",
    )
    hosts.add_ingress_rule(balancer, ec2.Port.tcp(port), "gifsvc (nginx), from the load balancer")
    balancer.add_egress_rule(hosts, ec2.Port.tcp(port), "to the hosts' nginx")
    return balancer, hosts


def _root_volume() -> autoscaling.BlockDevice:
    return autoscaling.BlockDevice(
        device_name="/dev/xvda",
        volume=autoscaling.BlockDeviceVolume.ebs(
            ROOT_VOLUME_GIB, encrypted=True, volume_type=autoscaling.EbsDeviceVolumeType.GP3
        ),
    )


def _grant_gif_objects(role: iam.Role, gifs: s3.IBucket, prefix: str) -> None:
    """Put and get objects under the GIF prefix, nothing else (no listing: a missing GIF is
    then S3's 403, which the service reads as "no such GIF")."""
    role.add_to_principal_policy(
        iam.PolicyStatement(
            actions=["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"],
            resources=[gifs.arn_for_objects(f"{prefix}/*")],
        )
    )
