"""What the EC2 host is given: the service code as an S3 asset, and the cfn-init steps that
provision it with scripts/provision (the same script that provisions a Debian box).

Every file the host gets is a file of this repository (infra/host/, nginx/), so the tests can
compare the synthesized template with them.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from service.ops.nginx_conf import render_site
from service.settings import Settings

REPO = Path(__file__).resolve().parent.parent
HOST_DIR = REPO / "infra" / "host"
APP_DIR = "/opt/gifsvc"
# name in infra/host/ -> where the host keeps it (cron ignores /etc/cron.d names with dots)
HOST_FILES = {
    "gifsvc.env": "/etc/gifsvc/env",
    "gifsvc.service": "/etc/systemd/system/gifsvc.service",
    "gifsvc-cleanup.cron": "/etc/cron.d/gifsvc-cleanup",
}
NGINX_SITE = "/etc/nginx/conf.d/gifsvc.conf"
PACKAGES = ("nginx", "python3.11", "python3.11-pip", "cronie")
# What the code asset leaves out: local state, caches and what only development needs.
ASSET_EXCLUDES = [
    ".git",
    ".venv",
    "node_modules",
    "cdk.out",
    "var",
    "tests",
    "test-artifacts",
    "**/__pycache__",
    "*.egg-info",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
]


def host_settings() -> Settings:
    """The service's settings on the host, read from the env file the host gets."""
    lines = (HOST_DIR / "gifsvc.env").read_text("utf-8").splitlines()
    pairs = (line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    return Settings.from_env({key.strip(): value.strip() for key, value in pairs})


def nginx_site() -> str:
    """The nginx site for the host, rendered from the same template scripts/run uses."""
    settings = host_settings()
    return render_site(settings, downloads_dir=settings.downloads_dir)


class HostSetup(Construct):
    """The code asset, the instance's read access to it (that object only), and cfn-init."""

    def __init__(self, scope: Construct, construct_id: str, *, role: iam.IRole) -> None:
        super().__init__(scope, construct_id)
        self.code = s3_assets.Asset(self, "Code", path=str(REPO), exclude=ASSET_EXCLUDES)
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject"],
                resources=[self.code.bucket.arn_for_objects(self.code.s3_object_key)],
            )
        )
        self.init = ec2.CloudFormationInit.from_elements(
            *[ec2.InitPackage.yum(name) for name in PACKAGES],
            # from_url adds no grant of its own: the statement above is the only one.
            ec2.InitSource.from_url(APP_DIR, self.code.http_url),
            *[
                ec2.InitFile.from_file_inline(target, str(HOST_DIR / name))
                for name, target in HOST_FILES.items()
            ],
            ec2.InitFile.from_string(NGINX_SITE, nginx_site()),
            ec2.InitCommand.shell_command(
                # bash: an unzipped source may not keep its execute bits.
                f"bash {APP_DIR}/scripts/provision",
                key="10-provision",
                cwd=APP_DIR,
            ),
            # The creation signal waits for this: a service nginx really serves on 8888.
            ec2.InitCommand.shell_command(
                "curl -fsS --retry 30 --retry-delay 2 --retry-all-errors "
                f"http://127.0.0.1:{host_settings().public_port}/healthz",
                key="20-healthz",
            ),
        )

    def authentication(self, role: iam.IRole) -> dict[str, object]:
        """cfn-init's credentials for the code asset's bucket (from_url does not add them)."""
        return {
            "S3AccessCreds": {
                "type": "S3",
                "roleName": role.role_name,
                "buckets": [self.code.s3_bucket_name],
            }
        }
