"""`cdk synth` / `cdk deploy` start here (cdk.json: scripts/cdk-app): it only chooses values."""

from __future__ import annotations

from aws_cdk import App, Validations
from cdk_nag import AwsSolutionsChecks

from .stack import GifsvcStack

STACK_NAME = "Gifsvc"


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


def main() -> None:
    app = App()
    build(app)
    app.synth()


if __name__ == "__main__":
    main()
