"""`cdk synth` / `cdk deploy` start here (cdk.json: scripts/cdk-app): it only chooses values.

The context (cdk.json, or `-c name=value`) and infra/host/gifsvc.env are read here, once, and
handed to the stack as values.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import App, Validations
from cdk_nag import AwsSolutionsChecks

from .config import REPO, HostEnv, context_config
from .stack import GifsvcStack

STACK_NAME = "Gifsvc"


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


def main() -> None:
    app = App()
    build(app)
    app.synth()


if __name__ == "__main__":
    main()
