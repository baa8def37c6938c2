"""The import rule is the architecture: the core never imports the web framework."""

from __future__ import annotations

import subprocess
import sys

import pytest

PURE = [
    "service.compose",
    "service.images",
    "service.options",
    "service.timing",
    "service.settings",
    "service.errors",
    "service.storage",
    "service.formats",
    "service.gifinfo",
    "service.worker",
    "service.pool",
    "service.cleanup",
    "service.nginx_conf",
    "service.stack",
    "service.smoke",
    "service.smoke_http",
]


@pytest.mark.parametrize("module", PURE)
def test_module_does_not_import_aiohttp(module: str):
    probe = f"import sys, {module}; print('aiohttp' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
