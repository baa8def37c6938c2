"""`cdk synth` / `cdk deploy` start here (cdk.json: scripts/cdk-app): it only chooses values.

The context (cdk.json, or `-c name=value`) and infra/host/gifsvc.env are read here, once, and
handed to the stack as values.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import App, Environment, Validations
from cdk_nag import AwsSolutionsChecks

from .config import REPO, HostEnv, context_config, pinned_ami
from .fleet.stack import GifsvcFleet
from .stack import GifsvcStack

STACK_NAME = "Gifsvc"
FLEET_STACK_NAME = "GifsvcFleet"
# CloudFront's WAF lives in us-east-1; the fleet does too, so its web ACL is in the same stack.
FLEET_REGION = "us-east-1"


def build(app: App, repo: Path = REPO) -> GifsvcStack:
    """The stack with the values from the context; cdk-nag validates it at synthesis."""
    stack = GifsvcStack(
        app,
        STACK_NAME,
        config=context_config(app),
        host_env=HostEnv.read(repo / "infra" / "host" / "gifsvc.env"),
        repo=repo,
        description="gifsvc: a self-hosted GIF maker on one EC2 instance (port 8888)",
    )
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    return stack


def wants_fleet(app: App) -> bool:
    """`-c fleet=true`: the app is the fleet alone, so `cdk deploy` still needs no stack name."""
    return str(app.node.try_get_context("fleet") or "").lower() in {"true", "1", "yes"}


def build_fleet(app: App, repo: Path = REPO) -> GifsvcFleet:
    """The fleet with the values from the context (`-c fleet_max_hosts=20`, ...)."""
    context = app.node.try_get_context
    instance_type = str(context("fleet_instance_type") or "c7i.large")
    stack = GifsvcFleet(
        app,
        FLEET_STACK_NAME,
        env=Environment(region=FLEET_REGION),
        instance_type=instance_type,
        ami_id=pinned_ami(context("ami") or {}, FLEET_REGION, instance_type),
        repo=repo,
        min_hosts=int(context("fleet_min_hosts") or 2),
        max_hosts=int(context("fleet_max_hosts") or 10),
        cpu_target_percent=int(context("fleet_cpu_target") or 60),
        requests_per_minute=int(context("fleet_requests_per_minute") or 600),
        alarm_email=str(context("alarm_email") or "") or None,
        description="gifsvc fleet: CloudFront, a load balancer, an Auto Scaling group, S3",
    )
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    return stack


def main() -> None:
    app = App()
    if wants_fleet(app):
        build_fleet(app)
    else:
        build(app)
    app.synth()


if __name__ == "__main__":
    main()
