"""`cdk synth` / `cdk deploy` start here (cdk.json: scripts/cdk-app): it only chooses values."""

from __future__ import annotations

from aws_cdk import App, Environment, Validations
from cdk_nag import AwsSolutionsChecks

from .fleet.stack import GifsvcFleet
from .stack import GifsvcStack

STACK_NAME = "Gifsvc"
FLEET_STACK_NAME = "GifsvcFleet"
# CloudFront's WAF lives in us-east-1; the fleet does too, so its web ACL is in the same stack.
FLEET_REGION = "us-east-1"


def build(app: App) -> GifsvcStack:
    """The stack with the values from the context (cdk.json, or `-c name=value`)."""
    key_pair = str(app.node.try_get_context("key_pair_name") or "")
    stack = GifsvcStack(
        app,
        STACK_NAME,
        allowed_cidr=str(app.node.try_get_context("allowed_cidr") or "0.0.0.0/0"),
        instance_type=str(app.node.try_get_context("instance_type") or "t3.small"),
        key_pair_name=key_pair or None,
        description="gifsvc: a self-hosted GIF maker on one EC2 instance (port 8888)",
    )
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    return stack


def wants_fleet(app: App) -> bool:
    """`-c fleet=true`: the app is the fleet alone, so `cdk deploy` still needs no stack name."""
    return str(app.node.try_get_context("fleet") or "").lower() in {"true", "1", "yes"}


def build_fleet(app: App) -> GifsvcFleet:
    """The fleet with the values from the context (`-c fleet_max_hosts=20`, ...)."""
    context = app.node.try_get_context
    stack = GifsvcFleet(
        app,
        FLEET_STACK_NAME,
        env=Environment(region=FLEET_REGION),
        instance_type=str(context("fleet_instance_type") or "c7i.large"),
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
