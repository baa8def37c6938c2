"""The gifsvc stack: one EC2 instance behind an Elastic IP (port 8888), HTTPS through
CloudFront, logs in CloudWatch Logs and alarms when it is down. It only wires the constructs."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import CfnOutput, Environment, Fn, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct

from .alarms import Alarms
from .cdn import Cdn
from .code_asset import CodeAsset
from .config import HostEnv, StackConfig
from .host import Host, instance_role
from .host_setup import HostFiles, host_init
from .logs import HostLogs
from .nag import acknowledge_findings
from .network import Network


class GifsvcStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StackConfig,
        host_env: HostEnv,
        repo: Path,
        description: str,
    ) -> None:
        super().__init__(
            scope, construct_id, env=Environment(region=config.region), description=description
        )
        port = host_env.settings.public_port
        network = Network(self, "Network", allowed_cidr=config.allowed_cidr, port=port)
        role = instance_role(self)
        code = CodeAsset(self, "Code", repo=repo, role=role)
        logs = HostLogs(
            self, "Logs", role=role, port=port, stack_name=self.stack_name, region=config.region
        )
        files = HostFiles(host_env.text, host_env.settings, logs.agent_config, logs.probe_cron)
        host = self._host(config, network, role, host_init(code_url=code.url, files=files))
        host.add_metadata("AWS::CloudFormation::Authentication", code.authentication(role))
        alarms = self._alarms(host, logs, config.alarm_email)
        cdn = Cdn(self, "Https", origin_dns_name=host.dns_name, port=port) if config.https else None
        self._outputs(host, port, alarms, cdn)
        distribution = cdn.distribution if cdn else None
        acknowledge_findings(
            instance=host.instance,
            role=role,
            vpc=network.vpc,
            web=network.web,
            distribution=distribution,
        )

    def _host(
        self, config: StackConfig, network: Network, role: iam.IRole, init: ec2.CloudFormationInit
    ) -> Host:
        return Host(
            self,
            "Host",
            vpc=network.vpc,
            gateway=network.gateway,
            security_group=network.web,
            role=role,
            instance_type=config.instance_type,
            ami_id=config.ami_id,
            region=config.region,
            init=init,
            key_pair_name=config.key_pair_name,
        )

    def _alarms(self, host: Host, logs: HostLogs, alarm_email: str | None) -> Alarms:
        alarms = Alarms(
            self,
            "Alarms",
            instance_id=host.instance.instance_id,
            healthy=logs.healthy,
            alarm_email=alarm_email,
        )
        # Created once the instance answers /healthz, so a first deploy raises no alarm.
        alarms.node.add_dependency(host.instance)
        return alarms

    def _outputs(self, host: Host, port: int, alarms: Alarms, cdn: Cdn | None) -> None:
        if cdn is not None:
            CfnOutput(self, "HttpsUrl", value=cdn.url, description="the URL to share")
        CfnOutput(self, "Url", value=Fn.join("", ["http://", host.address.ref, f":{port}/"]))
        CfnOutput(self, "InstanceId", value=host.instance.instance_id)
        CfnOutput(self, "AlarmTopic", value=alarms.topic.topic_arn)
        CfnOutput(
            self,
            "SessionCommand",
            value=Fn.join(
                "",
                [
                    "aws ssm start-session --target ",
                    host.instance.instance_id,
                    " --region ",
                    self.region,
                ],
            ),
        )
