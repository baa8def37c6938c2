"""cfn-init on the EC2 host: the code, the files of infra/host/, and three commands: ship the
logs, run scripts/provision (the same script that provisions a Debian box), check /healthz.

Every file the host gets is a file of this repository or rendered from one (nginx/), so the
tests can compare the synthesized template with them.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_ec2 as ec2

from service.ops.nginx_conf import render_site
from service.settings import Settings

from .config import HOST_DIR

APP_DIR = "/opt/gifsvc"
ENV_TARGET = "/etc/gifsvc/env"
# name in infra/host/ -> where the host keeps it (cron ignores /etc/cron.d names with dots)
HOST_FILES = {
    "gifsvc.service": "/etc/systemd/system/gifsvc.service",
    "gifsvc-cleanup.cron": "/etc/cron.d/gifsvc-cleanup",
    "gifsvc.logrotate": "/etc/logrotate.d/gifsvc",
}
NGINX_SITE = "/etc/nginx/conf.d/gifsvc.conf"
AGENT_CONFIG = "/etc/gifsvc/cloudwatch-agent.json"
PROBE_CRON = "/etc/cron.d/gifsvc-health"
# Only what is AWS's alone; scripts/provision installs everything else, once.
INIT_PACKAGES = ("amazon-cloudwatch-agent",)
AGENT_CTL = "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl"


@dataclass(frozen=True)
class HostFiles:
    """What the host is given besides the code: its settings and the monitoring's files."""

    env_text: str
    settings: Settings
    agent_config: dict[str, object]
    probe_cron: str


def nginx_site(settings: Settings) -> str:
    """The nginx site for the host, rendered from the same template scripts/run uses."""
    return render_site(settings, downloads_dir=settings.downloads_dir)


def host_init(*, code_url: str, files: HostFiles) -> ec2.CloudFormationInit:
    """The cfn-init config: packages, code, files, then the commands in their keys' order."""
    return ec2.CloudFormationInit.from_elements(
        *[ec2.InitPackage.yum(name) for name in INIT_PACKAGES],
        # from_url adds no grant of its own: the code asset's statement is the only one.
        ec2.InitSource.from_url(APP_DIR, code_url),
        ec2.InitFile.from_string(ENV_TARGET, files.env_text),
        *[
            ec2.InitFile.from_file_inline(target, str(HOST_DIR / name))
            for name, target in HOST_FILES.items()
        ],
        ec2.InitFile.from_string(NGINX_SITE, nginx_site(files.settings)),
        ec2.InitFile.from_object(AGENT_CONFIG, files.agent_config),
        ec2.InitFile.from_string(PROBE_CRON, files.probe_cron),
        *init_commands(files.settings.public_port),
    )


def init_commands(port: int) -> list[ec2.InitCommand]:
    return [
        # The agent first, so a provisioning that fails is in CloudWatch Logs after rollback.
        ec2.InitCommand.shell_command(
            f"{AGENT_CTL} -a fetch-config -m ec2 -s -c file:{AGENT_CONFIG}", key="05-logs"
        ),
        ec2.InitCommand.shell_command(
            # bash: an unzipped source may not keep its execute bits.
            f"bash {APP_DIR}/scripts/provision",
            key="10-provision",
            cwd=APP_DIR,
        ),
        # The creation signal waits for this: a service nginx really serves on its port.
        ec2.InitCommand.shell_command(
            "curl -fsS --retry 30 --retry-delay 2 --retry-all-errors "
            f"http://127.0.0.1:{port}/healthz",
            key="20-healthz",
        ),
    ]
