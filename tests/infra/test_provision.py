"""The EC2 host gets what the tests run with: requirements.lock's versions and gifsicle's release.

The Amazon Linux side of scripts/provision is checked here statically (no Amazon Linux runs in
CI); tests/infra/test_provision_debian.py runs the Debian side for real.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]
LOCK = REPO / "requirements.lock"
PROVISION = (REPO / "scripts" / "provision").read_text()


def locked() -> dict[str, str]:
    return dict(re.findall(r"^([a-z0-9_.-]+)==([^ ;\\]+)", LOCK.read_text(), re.M))


def provision_value(name: str) -> str:
    [value] = re.findall(rf"^{name}=(.*)$", PROVISION, re.M)
    return str(value)


def test_the_tests_run_with_the_locked_versions():
    """scripts/install installs requirements.lock before the project: these are its versions."""
    for name, version in locked().items():
        assert metadata.version(name) == version, f"{name}: run scripts/install"


def test_the_lock_covers_pyprojects_dependencies_with_hashes():
    """After a change to [project] dependencies, scripts/lock must run (this fails until then)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pins = locked()
    for dependency in map(Requirement, project["dependencies"]):
        name = dependency.name.lower()
        assert name in pins, f"{name} is not in requirements.lock: run scripts/lock"
        assert dependency.specifier.contains(pins[name]), f"{name}: run scripts/lock"
    entries = re.split(r"^(?=[a-z0-9_.-]+==)", LOCK.read_text(), flags=re.M)[1:]
    assert len(entries) == len(pins)
    assert all("--hash=sha256:" in entry for entry in entries)


def test_the_host_installs_the_lock_hash_checked_and_nothing_unpinned():
    assert (
        '--require-hashes --no-deps --only-binary :all: -r "$APP_DIR/requirements.lock"'
        in PROVISION
    )
    assert "--upgrade" not in PROVISION and "pip install -e" not in PROVISION
    assert re.search(
        r"install --quiet[^\n]*\\\n\s+--require-hashes --no-deps -r requirements",
        (REPO / "scripts" / "install").read_text(),
    )


def test_the_vendored_gifsicle_is_the_release_the_tests_and_the_bench_run():
    version = provision_value("GIFSICLE_VERSION")
    tarball = REPO / "vendor" / f"gifsicle-{version}.tar.gz"
    assert hashlib.sha256(tarball.read_bytes()).hexdigest() == provision_value("GIFSICLE_SHA256")
    if shutil.which("gifsicle") is None:
        pytest.skip("gifsicle is not installed here (scripts/install installs it as root)")
    out = subprocess.run(["gifsicle", "--version"], capture_output=True, text=True).stdout
    assert out.startswith(f"LCDF Gifsicle {version}\n"), (
        f"the tests run {out.splitlines()[0]!r}, the host builds {version}: update vendor/"
    )


def test_provision_on_amazon_linux_2023_installs_its_packages_then_builds_gifsicle():
    """Amazon Linux 2023's package names, and the build tools gifsicle's source needs there
    (it has no gifsicle package, so the apt branch is never taken)."""
    dnf = set(re.findall(r"^DNF_PACKAGES=\((.*)\)$", PROVISION, re.M)[0].split())
    assert {"nginx", "python3.11", "python3.11-pip", "cronie", "logrotate"} <= dnf
    assert {"gcc", "make", "autoconf", "automake", "tar", "gzip"} <= dnf
    body = PROVISION[PROVISION.index("install_gifsicle() {") :]
    assert 'build_gifsicle\n    [ "$(gifsicle_version)" = "$GIFSICLE_VERSION" ]' in body
    assert "sha256sum -c --quiet -" in PROVISION
    assert subprocess.run(["bash", "-n", str(REPO / "scripts" / "provision")]).returncode == 0


def test_provision_starts_services_only_under_systemd():
    assert '[ "$start" = 1 ] && [ -d /run/systemd/system ]' in PROVISION
    assert 'systemctl enable --now nginx "$cron" gifsvc' in PROVISION
