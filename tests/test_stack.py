"""What scripts/run starts, with nginx and without it."""

from __future__ import annotations

from service.ops.stack import commands
from service.settings import Settings


def test_without_nginx_aiohttp_alone_takes_the_public_port(settings: Settings):
    [(argv, env)] = commands(settings, nginx=None)
    assert argv[1:] == ["-m", "service"]
    assert env["GIFSVC_PORT"] == str(settings.public_port)
    assert env["GIFSVC_BEHIND_NGINX"] == "0"


def test_with_nginx_both_run_and_nginx_config_lives_in_the_data_dir(settings: Settings):
    (app_argv, app_env), (nginx_argv, _) = commands(settings, nginx="/usr/sbin/nginx")
    assert app_argv[1:] == ["-m", "service"] and app_env["GIFSVC_BEHIND_NGINX"] == "1"
    conf = settings.nginx_dir.resolve() / "nginx.conf"
    assert nginx_argv == [
        "/usr/sbin/nginx",
        "-p",
        str(settings.nginx_dir.resolve()),
        "-c",
        str(conf),
        "-e",
        "stderr",
    ]
    text = conf.read_text()
    assert f"pid {settings.nginx_dir.resolve()}/nginx.pid;" in text
    site = (settings.nginx_dir / "gifsvc-site.conf").read_text()
    assert f"listen {settings.public_port};" in site
    assert f"client_max_body_size {settings.max_request_bytes};" in site
    assert "proxy_request_buffering off;" in site and "{{" not in site
