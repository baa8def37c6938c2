"""The code the host gets: an allow-list of tracked paths, staged as an S3 asset.

Only files git tracks under HOST_PATHS are staged, so what a test run or a bench leaves in the
checkout (.hypothesis/, build/, bench-results.json, caches) never changes the asset's hash, the
template, or the instance.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

# What the host needs: the service, its locked dependencies, the nginx templates, the
# provisioning script with its host files, and the gifsicle source it builds.
HOST_PATHS = (
    "pyproject.toml",
    "README.md",
    "requirements.lock",
    "service",
    "nginx",
    "scripts/provision",
    "infra/host",
    "vendor",
)


def tracked_files(repo: Path, paths: tuple[str, ...] = HOST_PATHS) -> list[str]:
    """The files git tracks under paths, as they are in the work tree (deleted ones left out)."""
    try:
        listing = subprocess.run(
            ["git", "-C", str(repo), "ls-files", "-z", "--", *paths],
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise RuntimeError(
            f"the code asset is made from the files git tracks in {repo}: run cdk from a clone"
        ) from exc
    names = sorted({name for name in listing.decode().split("\0") if name})
    return [name for name in names if (repo / name).is_file()]


def stage(repo: Path, names: list[str], into: Path) -> Path:
    for name in names:
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(repo / name, target)
    return into


class CodeAsset(Construct):
    """The zip cfn-init unpacks into the app directory, and the role's read grant to that object."""

    def __init__(self, scope: Construct, construct_id: str, *, repo: Path, role: iam.IRole) -> None:
        super().__init__(scope, construct_id)
        with tempfile.TemporaryDirectory(prefix="gifsvc-code-") as staging:
            # The Asset copies the directory into the cloud assembly as it is constructed.
            path = stage(repo, tracked_files(repo), Path(staging))
            self.asset = s3_assets.Asset(self, "Code", path=str(path))
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject"],
                resources=[self.asset.bucket.arn_for_objects(self.asset.s3_object_key)],
            )
        )

    @property
    def url(self) -> str:
        """Where cfn-init downloads the zip from."""
        return self.asset.http_url

    def authentication(self, role: iam.IRole) -> dict[str, object]:
        """cfn-init's credentials for the asset's bucket (InitSource.from_url adds none)."""
        return {
            "S3AccessCreds": {
                "type": "S3",
                "roleName": role.role_name,
                "buckets": [self.asset.s3_bucket_name],
            }
        }
