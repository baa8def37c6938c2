"""`python -m service.nginx_conf`: the site from the settings, for the host or for Compose."""

from __future__ import annotations

import getpass
import os
import subprocess
from pathlib import Path

import pytest

from service.ops.nginx_conf import main, render_host_main, render_site
from service.settings import Settings

from .stack import nginx_or_skip


@pytest.fixture
def environ(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Only the GIFSVC_* variables a test sets; returns the data directory."""
    for name in os.environ:
        if name.startswith("GIFSVC_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("GIFSVC_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_upstream_defaults_to_the_services_own_address():
    site = render_site(Settings(host="10.0.0.5", port=9000))
    assert "proxy_pass http://10.0.0.5:9000;" in site


def test_a_service_listening_everywhere_is_reached_on_loopback():
    assert "proxy_pass http://127.0.0.1:8080;" in render_site(Settings(host="0.0.0.0"))


def test_upstream_option_names_another_host(capsys: pytest.CaptureFixture[str], environ: Path):
    assert main(["--upstream", "app:8080", "--downloads-dir", "/data/downloads"]) == 0
    site = capsys.readouterr().out
    assert "proxy_pass http://app:8080;" in site
    assert "alias /data/downloads/$gifsvc_name;" in site
    assert "{{" not in site


def test_without_options_the_site_follows_the_settings(
    capsys: pytest.CaptureFixture[str], environ: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("GIFSVC_PORT", "9123")
    monkeypatch.setenv("GIFSVC_PUBLIC_PORT", "9888")
    assert main([]) == 0
    site = capsys.readouterr().out
    assert "proxy_pass http://127.0.0.1:9123;" in site
    assert "listen 9888;" in site
    assert f"alias {environ.resolve()}/downloads/$gifsvc_name;" in site


def test_out_writes_the_site_to_a_file_and_nothing_to_stdout(
    capsys: pytest.CaptureFixture[str], environ: Path, tmp_path: Path
):
    out = tmp_path / "conf.d" / "gifsvc-site.conf"
    out.parent.mkdir()
    assert main(["--upstream", "app:8080", "--out", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert "proxy_pass http://app:8080;" in out.read_text("utf-8")


@pytest.mark.parametrize("upstream", ["app", "app:", ":8080", "app:80;evil", "http://app:8080"])
def test_upstream_must_be_host_and_port(
    upstream: str, capsys: pytest.CaptureFixture[str], environ: Path
):
    with pytest.raises(SystemExit) as exit_:
        main(["--upstream", upstream])
    assert exit_.value.code == 2
    assert "HOST:PORT" in capsys.readouterr().err


@pytest.mark.parametrize("upstream", ["app:8080", "10.0.0.5:80", "gifsvc-app-1:8080", "[::1]:8080"])
def test_upstream_accepts_names_and_addresses(
    upstream: str, capsys: pytest.CaptureFixture[str], environ: Path
):
    assert main(["--upstream", upstream]) == 0
    assert f"proxy_pass http://{upstream};" in capsys.readouterr().out


def test_the_daemon_hosts_nginx_conf_is_valid_and_has_room_for_slow_clients(tmp_path: Path):
    """What the EC2 host and Compose run as nginx.conf: nginx itself checks it (`nginx -t`)."""
    nginx = nginx_or_skip()
    if os.geteuid() != 0:
        pytest.skip("nginx -t of a daemon's conf opens /var/log/nginx and /run: needs root")
    site = tmp_path / "gifsvc.conf"
    site.write_text(render_site(Settings(data_dir=tmp_path / "data")), "utf-8")
    conf = tmp_path / "nginx.conf"
    conf.write_text(render_host_main(site, getpass.getuser()), "utf-8")
    assert "worker_connections 16384;" in conf.read_text("utf-8")
    check = subprocess.run(
        [nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr


def test_main_for_site_prints_the_daemon_conf(capsys: pytest.CaptureFixture[str], environ: Path):
    assert main(["--main-for-site", "/etc/nginx/conf.d/gifsvc.conf", "--user", "www-data"]) == 0
    conf = capsys.readouterr().out
    assert "user www-data;" in conf and "include /etc/nginx/conf.d/gifsvc.conf;" in conf
