"""The code asset: an allow-list of tracked files, readable as that one object."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from aws_cdk.assertions import Template

from .template import (
    REPO,
    asset_key,
    resources,
    synth,
    the,
)


def test_code_asset_is_readable_as_that_one_object_only(template: Template):
    key = asset_key(template)
    [policy] = resources(template, "AWS::IAM::Policy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    s3 = [s for s in statements if "s3" in json.dumps(s["Action"])]
    assert len(s3) == 1 and s3[0]["Action"] == "s3:GetObject"
    assert json.dumps(s3[0]["Resource"]).endswith(f'"/{key}"]]}}')
    # The one "*": PutMetricData, which has no resource-level permissions, in our namespace.
    [wildcard] = [s for s in statements if "*" in json.dumps(s)]
    assert wildcard["Action"] == "cloudwatch:PutMetricData" and wildcard["Resource"] == "*"
    assert wildcard["Condition"] == {"StringEquals": {"cloudwatch:namespace": "gifsvc"}}
    auth = the(template, "AWS::EC2::Instance")["Metadata"]["AWS::CloudFormation::Authentication"]
    assert auth["S3AccessCreds"]["type"] == "S3"


def test_untracked_files_and_test_leftovers_do_not_change_the_template(tmp_path: Path):
    """The same commit gives the same template, whatever a test run or a bench left behind:
    a deploy with no change changes nothing."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    before = synth(tmp_path / "before", repo=clone).to_json()
    for junk in (
        ".hypothesis/examples/ab/cd",
        "build/lib/service/web/app.py",
        "bench-results.json",
        "service/__pycache__/app.cpython-311.pyc",
        "service/notes-not-added.py",
        "var/downloads/0123.gif",
        "nginx/site.conf.orig",
        "infra/host/scratch.env",
    ):
        (clone / junk).parent.mkdir(parents=True, exist_ok=True)
        (clone / junk).write_text("left behind\n")
    assert synth(tmp_path / "after", repo=clone).to_json() == before
    # While a change to what the host runs is a new asset, and so a new instance.
    with (clone / "service" / "web" / "app.py").open("a") as app:
        app.write("# changed\n")
    changed = synth(tmp_path / "changed", repo=clone)
    assert asset_key(changed) != asset_key(Template.from_json(before))


def test_code_asset_holds_the_allow_list_only(template: Template, tmp_path: Path):
    from infra.code_asset import HOST_PATHS, tracked_files

    names = tracked_files(REPO)
    assert {"requirements.lock", "scripts/provision", "service/web/app.py"} <= set(names)
    assert "vendor/gifsicle-1.93.tar.gz" in names
    assert all(n == p or n.startswith(f"{p}/") for n in names for p in [first(n, HOST_PATHS)])
    assert not [n for n in names if n.startswith(("tests/", "scripts/bench", "docs/", ".ci/"))]


def first(name: str, paths: tuple[str, ...]) -> str:
    return next(p for p in paths if name == p or name.startswith(f"{p}/"))
