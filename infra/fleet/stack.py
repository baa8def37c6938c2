"""GifsvcFleet: CloudFront -> load balancer -> Auto Scaling group, GIFs in S3 (`-c fleet=true`)."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Aws, CfnOutput, Fn, Stack
from aws_cdk import aws_logs as logs
from constructs import Construct

from .alarms import FleetAlarms, FleetTopic
from .edge import Edge
from .gifs import GifBuckets
from .host_env import (
    CLOUDFRONT_READ_TIMEOUT_S,
    GIF_PREFIX,
    VPC_CIDR,
    fleet_env_file,
    fleet_settings,
    lifecycle_days,
    request_window_s,
)
from .hosts import FleetHosts
from .nag import acknowledge_fleet_findings
from .network import FleetNetwork

# The ASG makes a launch template (launch configurations are gone for new accounts).
LAUNCH_TEMPLATE_FLAG = "@aws-cdk/aws-autoscaling:generateLaunchTemplateInsteadOfLaunchConfig"


class GifsvcFleet(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        instance_type: str,
        ami_id: str,
        repo: Path,
        min_hosts: int,
        max_hosts: int,
        cpu_target_percent: int,
        requests_per_minute: int,
        alarm_email: str | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.node.set_context(LAUNCH_TEMPLATE_FLAG, True)
        settings = fleet_settings()
        # Known to this stack and CloudFront only: the load balancer forwards nothing without it.
        origin_secret = Fn.select(2, Fn.split("/", Aws.STACK_ID))
        network = FleetNetwork(
            self, "Network", cidr=VPC_CIDR, log_retention=logs.RetentionDays.ONE_MONTH
        )
        buckets = GifBuckets(
            self, "Buckets", prefix=GIF_PREFIX, expire_after_days=lifecycle_days(settings.ttl)
        )
        topic = FleetTopic(self, "Alarms", email=alarm_email)
        hosts = FleetHosts(
            self,
            "Hosts",
            vpc=network.vpc,
            instance_type=instance_type,
            ami_id=ami_id,
            repo=repo,
            min_hosts=min_hosts,
            max_hosts=max_hosts,
            cpu_target_percent=cpu_target_percent,
            port=settings.public_port,
            idle_timeout_s=request_window_s(settings) + 15,
            gifs=buckets.gifs,
            gif_prefix=GIF_PREFIX,
            env_file=fleet_env_file(buckets.gifs.bucket_name, self.region),
            origin_secret=origin_secret,
            logs=buckets.logs,
            notifications=topic.topic,
        )
        edge = Edge(
            self,
            "Edge",
            balancer=hosts.balancer,
            origin_secret=origin_secret,
            read_timeout_s=CLOUDFRONT_READ_TIMEOUT_S,
            gifs=buckets.gifs,
            gif_prefix=GIF_PREFIX,
            ttl_s=settings.ttl,
            uploads_per_minute=settings.rate_per_minute,
            requests_per_minute=requests_per_minute,
            logs=buckets.logs,
        )
        FleetAlarms(
            self,
            "Watch",
            topic=topic.topic,
            balancer=hosts.balancer,
            targets=hosts.targets,
            group=hosts.group,
            distribution=edge.distribution,
            max_hosts=max_hosts,
        )
        CfnOutput(
            self,
            "Url",
            value=Fn.join("", ["https://", edge.distribution.distribution_domain_name, "/"]),
        )
        CfnOutput(self, "GifBucket", value=buckets.gifs.bucket_name)
        CfnOutput(self, "AlarmTopic", value=topic.topic.topic_arn)
        CfnOutput(self, "HostGroup", value=hosts.group.auto_scaling_group_name)
        acknowledge_fleet_findings(
            role=hosts.role, balancer_group=hosts.balancer_group, distribution=edge.distribution
        )
