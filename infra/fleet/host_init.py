"""What a fleet host is given: the same allow-listed code asset and scripts/provision as the
single instance, with the fleet's env file (naming the bucket) in a directory of its own that
provision reads; provision installs every package, at the versions the tests ran."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct

from ..code_asset import CodeAsset
from ..config import HOST_DIR
from ..host_setup import APP_DIR

# provision takes its host files from here (GIFSVC_HOST_FILES) instead of infra/host/.
FLEET_HOST_DIR = "/etc/gifsvc/fleet"
COPIED_HOST_FILES = ("gifsvc.service", "gifsvc-cleanup.cron")


class FleetHostInit(Construct):
    """The code asset, the hosts' read access to that object only, and the cfn-init steps;
    the last step, /healthz through nginx, is what the rolling update's signal waits for."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        role: iam.IRole,
        env_file: str,
        port: int,
        repo: Path,
    ) -> None:
        super().__init__(scope, construct_id)
        self.code = CodeAsset(self, "Code", repo=repo, role=role)
        self.init = ec2.CloudFormationInit.from_elements(
            # from_url adds no grant of its own: the code asset's is the only one.
            ec2.InitSource.from_url(APP_DIR, self.code.url),
            ec2.InitFile.from_string(f"{FLEET_HOST_DIR}/gifsvc.env", env_file),
            *[
                ec2.InitFile.from_file_inline(f"{FLEET_HOST_DIR}/{name}", str(HOST_DIR / name))
                for name in COPIED_HOST_FILES
            ],
            ec2.InitCommand.shell_command(
                f"GIFSVC_HOST_FILES={FLEET_HOST_DIR} bash {APP_DIR}/scripts/provision",
                key="10-provision",
                cwd=APP_DIR,
            ),
            ec2.InitCommand.shell_command(
                "curl -fsS --retry 30 --retry-delay 2 --retry-all-errors "
                f"http://127.0.0.1:{port}/healthz",
                key="20-healthz",
            ),
        )

    def authentication(self, role: iam.IRole) -> dict[str, object]:
        """cfn-init's credentials for the code asset's bucket."""
        return self.code.authentication(role)
