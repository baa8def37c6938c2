"""The fleet hosts' settings: the single instance's env file, plus what a fleet host differs in.

One owner for each value: the stack derives its timeouts, ports and the bucket's lifecycle from
the same Settings the hosts run with.
"""

from __future__ import annotations

import math

from service.settings import Settings

from ..config import HOST_DIR

# The VPC's range: the load balancer's nodes live in it, so nginx believes their X-Forwarded-For.
VPC_CIDR = "10.42.0.0/16"
GIF_PREFIX = "gifs"
# CloudFront waits at most 60 s for an origin's first byte (without a quota increase): the
# composition and the upload to S3 must answer within it, so compositions stop at 45 s.
CLOUDFRONT_READ_TIMEOUT_S = 60
FLEET_OVERRIDES = {
    "GIFSVC_COMPOSE_TIMEOUT": "45",
    "GIFSVC_TRUSTED_PROXIES": VPC_CIDR,
}
BUCKET_PLACEHOLDER = "bucket-name"
DAY_S = 86400


def _single_instance_env() -> dict[str, str]:
    lines = (HOST_DIR / "gifsvc.env").read_text("utf-8").splitlines()
    pairs = (line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def fleet_env(bucket_name: str, region: str) -> dict[str, str]:
    """GIFSVC_* (and boto3's region) for a fleet host; bucket_name may be a CDK token."""
    return {
        **_single_instance_env(),
        **FLEET_OVERRIDES,
        "GIFSVC_STORAGE": f"s3://{bucket_name}/{GIF_PREFIX}",
        "AWS_DEFAULT_REGION": region,
    }


def fleet_env_file(bucket_name: str, region: str) -> str:
    body = "".join(f"{key}={value}\n" for key, value in fleet_env(bucket_name, region).items())
    return "# gifsvc's settings on a fleet host (cfn-init writes them; see infra/fleet/).\n" + body


def fleet_settings() -> Settings:
    """The settings the hosts run with (the bucket's name is only known at deploy time)."""
    env = fleet_env(BUCKET_PLACEHOLDER, "us-east-1")
    return Settings.from_env({k: v for k, v in env.items() if k.startswith("GIFSVC_")})


def lifecycle_days(ttl_s: float) -> int:
    """S3 expires objects in whole days: the TTL, rounded up (the service refuses on time)."""
    return max(1, math.ceil(ttl_s / DAY_S))


def request_window_s(settings: Settings) -> int:
    """How long one request may take end to end: the upload, then its composition."""
    return int(settings.upload_timeout + settings.compose_timeout)
