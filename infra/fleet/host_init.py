"""What a fleet host is given: the same code asset and scripts/provision as the single instance,
with the fleet's env file (naming the bucket) in a directory of its own that provision reads."""

from __future__ import annotations

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from ..host_setup import APP_DIR, ASSET_EXCLUDES, HOST_DIR, PACKAGES, REPO

# provision takes its host files from here (GIFSVC_HOST_FILES) instead of infra/host/.
FLEET_HOST_DIR = "/etc/gifsvc/fleet"
COPIED_HOST_FILES = ("gifsvc.service", "gifsvc-cleanup.cron")


class FleetHostInit(Construct):
    """The code asset, the hosts' read access to that object only, and the cfn-init steps;
    the last step, /healthz through nginx, is what the rolling update's signal waits for."""

    def __init__(
        self, scope: Construct, construct_id: str, *, role: iam.IRole, env_file: str, port: int
    ) -> None:
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
        """cfn-init's credentials for the code asset's bucket (from_url does not add them)."""
        return {
            "S3AccessCreds": {
                "type": "S3",
                "roleName": role.role_name,
                "buckets": [self.code.s3_bucket_name],
            }
        }
