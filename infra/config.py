"""The values the stack is built from, read once: cdk.json's context and infra/host/gifsvc.env.

Nothing here builds a construct; infra/app.py reads these and hands them down as plain values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import App
from aws_cdk import aws_ec2 as ec2

from service.settings import Settings

REPO = Path(__file__).resolve().parent.parent
HOST_DIR = REPO / "infra" / "host"
ENV_FILE = HOST_DIR / "gifsvc.env"
# cdk.json's AMI map names architectures as EC2 does.
ARCHITECTURES = {
    ec2.InstanceArchitecture.X86_64: "x86_64",
    ec2.InstanceArchitecture.ARM_64: "arm64",
}
PIN_AMI = "scripts/pin-ami"


class ConfigError(ValueError):
    """A context value the stack cannot be built from; the message says how to fix it."""


@dataclass(frozen=True)
class HostEnv:
    """infra/host/gifsvc.env: its text (what the host gets) and the settings it makes."""

    text: str
    settings: Settings

    @classmethod
    def read(cls, path: Path = ENV_FILE) -> HostEnv:
        text = path.read_text("utf-8")
        lines = [line for line in text.splitlines() if "=" in line and not line.startswith("#")]
        pairs = (line.split("=", 1) for line in lines)
        return cls(text, Settings.from_env({k.strip(): v.strip() for k, v in pairs}))


@dataclass(frozen=True)
class StackConfig:
    """Every choice `cdk deploy` makes, from cdk.json's context or `-c name=value`."""

    region: str
    instance_type: str
    ami_id: str
    allowed_cidr: str
    key_pair_name: str | None
    alarm_email: str | None
    https: bool


def context_config(app: App) -> StackConfig:
    def get(name: str, default: object = None) -> object:
        value = app.node.try_get_context(name)
        return default if value in (None, "") else value

    region = str(get("region", "us-east-1"))
    instance_type = str(get("instance_type", "t3.small"))
    amis = get("ami", {})
    if not isinstance(amis, Mapping):
        raise ConfigError('context "ami" must be {region: {architecture: ami-id}} (cdk.json)')
    return StackConfig(
        region=region,
        instance_type=instance_type,
        ami_id=pinned_ami(amis, region, instance_type),
        allowed_cidr=str(get("allowed_cidr", "0.0.0.0/0")),
        key_pair_name=_optional(get("key_pair_name")),
        alarm_email=_optional(get("alarm_email")),
        https=flag(get("https", True), "https"),
    )


def pinned_ami(amis: Mapping[str, object], region: str, instance_type: str) -> str:
    """The AMI cdk.json pins for the region and the instance type's architecture."""
    arch = ARCHITECTURES[ec2.InstanceType(instance_type).architecture]
    by_arch = amis.get(region)
    ami = by_arch.get(arch) if isinstance(by_arch, Mapping) else None
    if not isinstance(ami, str) or not ami.startswith("ami-"):
        pinned = ", ".join(f"{r}/{a}" for r, m in amis.items() if isinstance(m, Mapping) for a in m)
        raise ConfigError(
            f"instance_type {instance_type} is {arch}, but cdk.json pins no {arch} AMI for "
            f"{region} (pinned: {pinned or 'none'}). Pin one with `{PIN_AMI} {region}`, or "
            "choose an instance type of a pinned architecture."
        )
    return ami


def flag(value: object, name: str) -> bool:
    """A boolean context value: JSON true/false, or the text -c name=true/false gives."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in ("true", "false", "1", "0"):
        raise ConfigError(f"context {name}={value!r}: want true or false")
    return text in ("true", "1")


def _optional(value: object) -> str | None:
    return None if value is None else str(value)
