"""Where the host's logs go: CloudWatch Logs, so they outlive the instance, with a retention.

The CloudWatch agent on the host tails nginx's logs, the service's and the cleanup's (systemd
and cron append them under /var/log/gifsvc) and cfn-init's; the health probe, a cron line, puts
one data point a minute into the metric the alarms watch.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

from .host_setup import APP_DIR

RETENTION = logs.RetentionDays.ONE_MONTH
# log group -> {file on the host: stream name}; streams are per instance, so a replacement's
# lines do not interleave with its predecessor's.
LOG_FILES = {
    "Nginx": {
        "/var/log/nginx/access.log": "nginx-access",
        "/var/log/nginx/error.log": "nginx-error",
    },
    "Service": {
        "/var/log/gifsvc/gifsvc.log": "service",
        "/var/log/gifsvc/cleanup.log": "cleanup",
    },
    "Provision": {
        "/var/log/cfn-init.log": "cfn-init",
        "/var/log/cfn-init-cmd.log": "cfn-init-cmd",
    },
}
LOG_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams")
NAMESPACE = "gifsvc"
HEALTHY = "Healthy"
PROBE = f"{APP_DIR}/infra/host/gifsvc-health-probe"


class HostLogs(Construct):
    """The log groups, the agent's configuration, the probe's cron line and the role's grants."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        role: iam.IRole,
        port: int,
        stack_name: str,
        region: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.groups = {
            name: logs.LogGroup(
                self, name, retention=RETENTION, removal_policy=RemovalPolicy.DESTROY
            )
            for name in LOG_FILES
        }
        for group in self.groups.values():
            group.grant(role, *LOG_ACTIONS)
        self.healthy = cloudwatch.Metric(
            namespace=NAMESPACE, metric_name=HEALTHY, dimensions_map={"Stack": stack_name}
        )
        # PutMetricData has no resource-level permissions; the condition keeps it to ours.
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["cloudwatch:PutMetricData"],
                resources=["*"],
                conditions={"StringEquals": {"cloudwatch:namespace": NAMESPACE}},
            )
        )
        self.probe_cron = (
            "# gifsvc: /healthz through nginx, every minute, as the metric the alarm watches.\n"
            f"* * * * * root bash {PROBE} {port} {region} {NAMESPACE} {stack_name}\n"
        )

    @property
    def agent_config(self) -> dict[str, object]:
        """The CloudWatch agent's configuration: every file of LOG_FILES to its group."""
        collect = [
            {
                "file_path": path,
                "log_group_name": self.groups[group].log_group_name,
                "log_stream_name": f"{{instance_id}}/{stream}",
            }
            for group, files in LOG_FILES.items()
            for path, stream in files.items()
        ]
        return {
            "agent": {"run_as_user": "root"},
            "logs": {"logs_collected": {"files": {"collect_list": collect}}},
        }
