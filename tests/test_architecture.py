"""The import rule is the architecture, stated as rules over every module of the service.

The layers are packages: `service.web` (aiohttp: parse, call, respond), `service.compose` (the
Pillow core: paths in, a GIF out), `service.pool` (the worker processes), `service.ops` (the
commands a host runs) and the shared `settings`, `errors`, `units` and `storage`. A module
written tomorrow is covered the day it is written: the rules walk the package, not a list.
"""

from __future__ import annotations

import ast
import pkgutil
from collections.abc import Callable
from pathlib import Path

import pytest

import service

SERVICE_DIR = Path(service.__file__).parent


def all_modules() -> list[str]:
    return sorted(
        info.name for info in pkgutil.walk_packages([str(SERVICE_DIR)], prefix="service.")
    )


def imported_by(module: str) -> set[str]:
    """Every module `module` imports, absolute or relative, at any depth in its source."""
    path = SERVICE_DIR.joinpath(*module.split(".")[1:])
    is_package = path.is_dir()
    source = path / "__init__.py" if is_package else path.with_suffix(".py")
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(package, node.module, node.level)
            found.add(base)
            # `from . import x` and `from .pkg import mod` may name modules themselves.
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _resolve(package: str, name: str | None, level: int) -> str:
    if level == 0:
        return name or ""
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - level + 1])
    return f"{base}.{name}" if name else base


def _in(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


MODULES = all_modules()
# `python -m service` starts the web app: the one module outside the web layer that may.
ENTRY_POINT = "service.__main__"
# (who, what it must not import, why); direct imports, so together they bind transitively.
RULES: list[tuple[Callable[[str], bool], str, str]] = [
    (lambda m: not _in(m, "service.web"), "aiohttp", "only the web layer speaks HTTP"),
    (
        lambda m: not _in(m, "service.web") and m != ENTRY_POINT,
        "service.web",
        "nothing below the web layer reaches up into it",
    ),
    (
        lambda m: _in(m, "service.compose"),
        "service.pool",
        "the core runs anywhere, not only in a pool",
    ),
    (lambda m: _in(m, "service.compose"), "service.ops", "the core needs no host commands"),
    (lambda m: _in(m, "service.pool"), "service.ops", "the pool needs no host commands"),
]


def test_the_walk_finds_every_layer():
    packages = {m for m in MODULES if (SERVICE_DIR / m.split(".")[1]).is_dir()}
    assert {"service.web", "service.compose", "service.pool", "service.ops"} <= packages
    assert "service.web.app" in MODULES and "service.compose.gif" in MODULES


@pytest.mark.parametrize("module", MODULES)
def test_module_keeps_to_its_layer(module: str):
    imports = imported_by(module)
    broken = [
        f"{module} imports {forbidden}: {why}"
        for applies, forbidden, why in RULES
        if applies(module) and any(_in(name, forbidden) for name in imports)
    ]
    assert broken == []


def test_the_rules_catch_a_breach():
    """The checker sees relative imports too: web's own modules do import aiohttp and compose."""
    assert "aiohttp" in imported_by("service.web.app")
    assert any(_in(name, "service.compose") for name in imported_by("service.pool.jobs"))
