"""scripts/provision for real, end to end, in a fresh Debian root (debootstrap + chroot).

The root gets exactly the code asset's files (infra/code_asset.py's allow-list), provisioning
runs as cfn-init would run it (gifsicle built from vendor/ as on Amazon Linux), then, in a
network namespace of its own, nginx and the service start as the systemd unit and the cron
line say, and scripts/smoke's checks run against port 8888 inside. systemd does not run in a
chroot: provision's start step is skipped there, which the test checks too.

The bare debootstrap root and apt's downloads are cached under .cache/provision (gitignored).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.code_asset import stage, tracked_files

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".cache" / "provision"
SUITE = "bookworm"  # Python 3.11, as on the EC2 host
HOST_DIR = REPO / "infra" / "host"
APP_DIR = "/opt/gifsvc"
CLEAN_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME": "/root",
}

pytestmark = pytest.mark.timeout(1200)


def can_chroot() -> str | None:
    if os.geteuid() != 0:
        return "needs root (chroot, mounts)"
    missing = [
        tool for tool in ("debootstrap", "unshare", "chroot", "ip") if not shutil.which(tool)
    ]
    if missing:
        return f"needs {', '.join(missing)} (scripts/install --dev installs debootstrap)"
    if subprocess.run(["unshare", "--mount", "--pid", "--net", "--fork", "true"]).returncode != 0:
        return "cannot make mount and network namespaces here"
    return None


def bare_root() -> Path:
    """A minimal Debian made once by debootstrap and kept as a tarball."""
    tarball = CACHE / f"{SUITE}-minbase.tar"
    if not tarball.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        work = CACHE / "debootstrap"
        shutil.rmtree(work, ignore_errors=True)
        subprocess.run(
            ["debootstrap", "--variant=minbase", SUITE, str(work)],
            check=True,
            capture_output=True,
        )
        partial = tarball.with_suffix(".partial")
        subprocess.run(["tar", "-C", str(work), "-cf", str(partial), "."], check=True)
        partial.rename(tarball)
        shutil.rmtree(work)
    return tarball


def in_root(root: Path, script: str, *, network: bool) -> subprocess.CompletedProcess[str]:
    """Run a bash script chrooted in root, with /proc and /dev mounted in a mount namespace
    and its processes in a PID namespace (all go when it ends); without network, in a network
    namespace with loopback only."""
    env = CLEAN_ENV | (
        {"PIP_CERT": "/etc/pip-cert.pem"} if (root / "etc/pip-cert.pem").exists() else {}
    )
    archives = CACHE / "apt-archives"
    (archives / "partial").mkdir(parents=True, exist_ok=True)
    mounts = f"""
        set -e
        mount -t proc proc {root}/proc
        mount --rbind /dev {root}/dev
        mount --bind {archives} {root}/var/cache/apt/archives
        {"" if network else "ip link set lo up"}
        exec chroot {root} /usr/bin/env -i {" ".join(f"{k}={v}" for k, v in env.items())} \
            /bin/bash -euo pipefail -c "$1"
    """
    # A PID namespace of its own: whatever the script leaves running ends with it.
    flags = ["--mount", "--pid", "--fork"] + ([] if network else ["--net"])
    return subprocess.run(
        ["unshare", *flags, "--propagation", "private", "bash", "-c", mounts, "root", script],
        capture_output=True,
        text=True,
        timeout=1100,
        check=False,
    )


@pytest.fixture(scope="module")
def provisioned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    reason = can_chroot()
    if reason:
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("debian") / "root"
    root.mkdir()
    subprocess.run(["tar", "-C", str(root), "-xf", str(bare_root())], check=True)
    shutil.copyfile("/etc/resolv.conf", root / "etc" / "resolv.conf")
    # A machine whose HTTPS goes through a proxy with its own CA (PIP_CERT) lends it to pip.
    if os.environ.get("PIP_CERT"):
        shutil.copyfile(os.environ["PIP_CERT"], root / "etc" / "pip-cert.pem")
    # Package scripts must not start services in the chroot.
    policy = root / "usr" / "sbin" / "policy-rc.d"
    policy.write_text("#!/bin/sh\nexit 101\n")
    policy.chmod(0o755)
    # Exactly what the code asset holds, where cfn-init unpacks it.
    stage(REPO, tracked_files(REPO), root / APP_DIR.lstrip("/"))
    result = in_root(
        root,
        f"GIFSVC_GIFSICLE_FROM_SOURCE=1 bash {APP_DIR}/scripts/provision",
        network=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    yield root, result.stdout
    subprocess.run(["rm", "-rf", "--one-file-system", str(root)], check=False)


def test_provision_skips_starting_services_where_systemd_is_not_running(provisioned):
    _, output = provisioned
    assert "provision: done; not starting the services" in output
    assert "provision: gifsicle 1.93" in output


def test_provision_installs_the_locked_versions_and_the_vendored_gifsicle(provisioned):
    root, _ = provisioned
    locked = dict(
        re.findall(r"^([a-z0-9_.-]+)==([^ ;\\]+)", (REPO / "requirements.lock").read_text(), re.M)
    )
    result = in_root(
        root, f"{APP_DIR}/.venv/bin/python -m pip freeze --all; gifsicle --version", network=False
    )
    assert result.returncode == 0, result.stderr
    frozen = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", result.stdout, re.M))
    frozen = {name.lower().replace("_", "-"): v for name, v in frozen.items()}
    # Every locked package at its locked version, and nothing else but pip itself.
    assert {k: v for k, v in frozen.items() if k not in ("pip", "setuptools")} == locked
    assert "LCDF Gifsicle 1.93" in result.stdout
    assert (root / "usr/local/bin/gifsicle").exists()  # built from vendor/, not apt's


def test_provision_places_the_host_files(provisioned):
    root, _ = provisioned
    for name, target in {
        "gifsvc.env": "etc/gifsvc/env",
        "gifsvc.service": "etc/systemd/system/gifsvc.service",
        "gifsvc-cleanup.cron": "etc/cron.d/gifsvc-cleanup",
        "gifsvc.logrotate": "etc/logrotate.d/gifsvc",
    }.items():
        assert (root / target).read_text() == (HOST_DIR / name).read_text()
    assert "listen 8888;" in (root / "etc/nginx/conf.d/gifsvc.conf").read_text()


def unit_value(key: str) -> str:
    [value] = re.findall(rf"^{key}=(.*)$", (HOST_DIR / "gifsvc.service").read_text(), re.M)
    return str(value)


def test_provisioned_host_passes_the_smoke_checks_with_every_encoder_pass(provisioned):
    """nginx and the service started as systemd and cron would: scripts/smoke passes on 8888."""
    root, _ = provisioned
    [cron_command] = re.findall(
        r"^\S+ \S+ \S+ \S+ \S+ gifsvc (.*)$", (HOST_DIR / "gifsvc-cleanup.cron").read_text(), re.M
    )
    script = f"""
        nginx
        set -a; . {unit_value("EnvironmentFile")}; set +a
        cd {unit_value("WorkingDirectory")}
        setpriv --reuid={unit_value("User")} --regid={unit_value("Group")} --init-groups \
            {unit_value("ExecStart")} \
            >> {unit_value("StandardOutput").removeprefix("append:")} 2>&1 &
        service=$!
        curl -fsS --retry 30 --retry-delay 1 --retry-all-errors http://127.0.0.1:8888/healthz
        echo
        {APP_DIR}/.venv/bin/python -m service.ops.smoke http://127.0.0.1:8888/
        runuser -u gifsvc -- bash -c {shlex.quote(cron_command)}
        kill "$service" && wait "$service"
        nginx -s quit
    """
    result = in_root(root, script, network=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"encoder_passes": ["gifsicle 1.93"]' in result.stdout
    assert "smoke: PASS" in result.stdout
    assert (root / "var/log/gifsvc/gifsvc.log").stat().st_size > 0
    assert (root / "var/log/gifsvc/cleanup.log").exists()
