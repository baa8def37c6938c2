"""The stack synthesized once per run with cdk.json's context, and once with every flag flipped."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Template

from .template import synth


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    return synth(tmp_path_factory.mktemp("cdk.out"))


@pytest.fixture(scope="session")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The other value of every flag: no HTTPS, an alarm e-mail, a type without CPU credits."""
    return synth(
        tmp_path_factory.mktemp("cdk.out"),
        https="false",
        alarm_email="ops@example.com",
        instance_type="m5.large",
    )
