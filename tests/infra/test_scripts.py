"""scripts/cdk-app installs nothing system-wide; scripts/pin-ami moves the AMI."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from .template import (
    CONTEXT,
    REPO,
)


def test_cdk_synth_installs_nothing_system_wide(tmp_path: Path):
    """scripts/cdk-app runs `scripts/install --infra`: no apt-get, dnf or npm, only the venv."""
    assert "scripts/install --infra" in (REPO / "scripts" / "cdk-app").read_text()
    calls = tmp_path / "calls"
    for tool in ("apt-get", "dnf", "npm"):
        fake = tmp_path / tool
        fake.write_text(f'#!/bin/sh\necho {tool} "$@" >> {calls}\n')
        fake.chmod(0o755)
    env = os.environ | {"PATH": f"{tmp_path}:{os.environ['PATH']}"}
    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "install"), "--infra"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert not calls.exists(), calls.read_text()


def test_pin_ami_writes_the_regions_latest_amis_into_cdk_json(tmp_path: Path):
    (tmp_path / "scripts").mkdir()
    script = tmp_path / "scripts" / "pin-ami"
    script.write_text((REPO / "scripts" / "pin-ami").read_text())
    (tmp_path / "cdk.json").write_text((REPO / "cdk.json").read_text())
    fake = tmp_path / "bin" / "aws"
    fake.parent.mkdir()
    fake.write_text(
        '#!/bin/sh\ncase "$*" in *x86_64*) echo ami-0aaaaaaaaaaaaaaa1 ;; '
        "*arm64*) echo ami-0bbbbbbbbbbbbbbb2 ;; esac\n"
    )
    fake.chmod(0o755)
    env = os.environ | {"PATH": f"{fake.parent}:{os.environ['PATH']}"}
    subprocess.run(["bash", str(script), "eu-west-1"], env=env, check=True, capture_output=True)
    context = json.loads((tmp_path / "cdk.json").read_text())["context"]
    assert context["ami"]["eu-west-1"] == {
        "x86_64": "ami-0aaaaaaaaaaaaaaa1",
        "arm64": "ami-0bbbbbbbbbbbbbbb2",
    }
    assert context["ami"][CONTEXT["region"]] == CONTEXT["ami"][CONTEXT["region"]]
