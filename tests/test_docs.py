"""The README is the project's truth: every setting, field and error code is in it."""

from __future__ import annotations

import re
from pathlib import Path

from service.compose.fields import FIELDS
from service.errors import ALL_ERRORS
from service.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def test_every_setting_is_in_the_readme_table_with_its_default_and_help():
    for env, default, help_ in Settings.describe():
        assert f"| `{env}` | `{default}` | {help_} |" in README, env


def test_every_error_code_is_in_the_readme_with_its_status():
    for error in ALL_ERRORS:
        assert re.search(rf"\| {error.status} \| `{error.code}` \|", README), error.code


def test_every_form_field_is_documented():
    for field in [*FIELDS, "photo"]:
        assert f"`{field}`" in README, field


def test_readme_opens_with_the_two_commands():
    opening = README[:600]
    assert "scripts/run" in opening and "scripts/test" in opening
