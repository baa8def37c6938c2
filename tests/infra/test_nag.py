"""cdk-nag runs, and each acknowledgement is needed and one sentence."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App

from infra.app import build

from .template import (
    CONTEXT,
    synth,
)


def test_cdk_nag_refuses_the_stack_without_its_acknowledgements(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Proves cdk-nag really runs, and that each acknowledgement is needed."""
    import infra.stack

    monkeypatch.setattr(infra.stack, "acknowledge_findings", lambda **_: None)
    with pytest.raises(Exception, match="ValidationFailed") as failure:
        synth(tmp_path)
    found = set(re.findall(r"(?:AwsSolutions-[A-Z]+[0-9]+|W9010)", str(failure.value)))
    assert found == {
        "AwsSolutions-EC23",
        "AwsSolutions-IAM4",
        "AwsSolutions-IAM5",
        "AwsSolutions-EC28",
        "AwsSolutions-EC29",
        "AwsSolutions-VPC7",
        "AwsSolutions-CFR1",
        "AwsSolutions-CFR2",
        "AwsSolutions-CFR3",
        "AwsSolutions-CFR4",
        "AwsSolutions-CFR5",
        "W9010",
    }


def test_every_acknowledgement_is_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import infra.nag

    seen: dict[str, str] = {}
    real = infra.nag.acknowledge

    def record(construct: Any, rule: str, reason: str) -> None:
        seen[rule] = reason
        real(construct, rule, reason)

    monkeypatch.setattr(infra.nag, "acknowledge", record)
    build(App(context=CONTEXT, outdir=str(tmp_path)))
    assert len(seen) == 12
    for rule, reason in seen.items():
        assert reason.endswith(".") and ". " not in reason and len(reason) < 200, rule
