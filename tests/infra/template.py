"""The synthesized stack for the infra tests: the CDK app built with cdk.json's context."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

# jsii (under aws-cdk-lib) warns loudly about this Node's age at every start; the CDK still
# works on it, so the warning is silenced for the version that runs here.
os.environ.setdefault(
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION",
    subprocess.run(
        ["node", "-p", "process.versions.node.split('.')[0]"], capture_output=True, text=True
    ).stdout.strip(),
)

from aws_cdk import App
from aws_cdk.assertions import Template

from infra.app import build

REPO = Path(__file__).resolve().parents[2]
CONTEXT = json.loads((REPO / "cdk.json").read_text())["context"]
AMI = CONTEXT["ami"][CONTEXT["region"]]["x86_64"]
PORT = 8888


def synth(outdir: Path, repo: Path = REPO, **context: object) -> Template:
    """The stack with cdk.json's context (plus overrides), cdk-nag validating (it fails synth)."""
    app = App(context=CONTEXT | context, outdir=str(outdir))
    stack = build(app, repo)
    app.synth()
    return Template.from_stack(stack)


def resources(template: Template, kind: str) -> dict[str, Any]:
    return dict(template.find_resources(kind))


def the(template: Template, kind: str) -> dict[str, Any]:
    [resource] = resources(template, kind).values()
    return dict(resource)


def logical_id(template: Template, kind: str) -> str:
    [name] = resources(template, kind)
    return name


def init_config(template: Template) -> dict[str, Any]:
    instance = the(template, "AWS::EC2::Instance")
    return instance["Metadata"]["AWS::CloudFormation::Init"]["config"]  # type: ignore[no-any-return]


def asset_key(template: Template) -> str:
    url = init_config(template)["sources"]["/opt/gifsvc"]["Fn::Sub"]
    key = re.search(r"/([0-9a-f]{64}\.zip)$", url)
    assert key is not None
    return key.group(1)
