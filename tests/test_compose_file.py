"""docker-compose.yml and the Dockerfile: valid Compose, and what people who run them rely on.

No Docker engine is needed: the files are read, the Compose file is checked against the Compose
specification's schema, and the command that renders nginx's site is run as Compose would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from service.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
SETTING_NAMES = {env for env, _, _ in Settings.describe()}
CHECK_COMPOSE_SPEC = [sys.executable, "-m", "check_jsonschema", "--builtin-schema"]
CHECK_COMPOSE_SPEC += ["vendor.compose-spec"]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text("utf-8"))
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = compose["services"]
    return found


def mounts(service: dict[str, Any]) -> dict[str, tuple[str, bool]]:
    """Mount target -> (volume, read-only), from the short `source:target[:mode]` syntax."""
    found = {}
    for volume in service.get("volumes", []):
        source, target, *mode = volume.split(":")
        found[target] = (source, mode == ["ro"])
    return found


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    lines = [
        line for line in DOCKERFILE.read_text("utf-8").splitlines() if not line.startswith("#")
    ]
    joined = "\n".join(lines).replace("\\\n", " ")
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, arguments in dockerfile_instructions():
        if keyword == "ENV":
            for pair in arguments.split():
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def test_compose_file_follows_the_compose_specification():
    result = subprocess.run(
        [*CHECK_COMPOSE_SPEC, str(COMPOSE_FILE)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "version" not in yaml.safe_load(COMPOSE_FILE.read_text("utf-8"))


def test_nginx_publishes_the_public_port(services: dict[str, Any]):
    assert services["nginx"]["ports"] == [f"8888:{Settings().public_port}"]
    published = [name for name, service in services.items() if "ports" in service]
    assert published == ["nginx"], "only nginx should be reachable from outside"


def test_nginx_site_is_rendered_by_service_nginx_conf_into_nginx_conf_d(services: dict[str, Any]):
    script = services["nginx-config"]["command"][2].split()
    [site_out, main_out] = [Path(script[i + 1]) for i, word in enumerate(script) if word == "--out"]
    assert script[:3] == ["python", "-m", "service.nginx_conf"]
    volume, _ = mounts(services["nginx-config"])[str(site_out.parent)]
    assert mounts(services["nginx"])["/etc/nginx/conf.d"] == (volume, True)
    assert site_out.suffix == ".conf", "nginx includes only conf.d/*.conf"
    # nginx runs our nginx.conf, which includes the site where nginx sees it.
    in_nginx = Path("/etc/nginx/conf.d") / main_out.relative_to(site_out.parent)
    assert services["nginx"]["command"][-2:] == ["-c", str(in_nginx)]
    site_in_nginx = script[script.index("--main-for-site") + 1]
    assert site_in_nginx == f"/etc/nginx/conf.d/{site_out.name}"


def test_nginx_waits_for_its_config_and_a_healthy_app(services: dict[str, Any]):
    depends_on = services["nginx"]["depends_on"]
    assert depends_on["nginx-config"]["condition"] == "service_completed_successfully"
    assert depends_on["app"]["condition"] == "service_healthy"
    healthcheck = " ".join(services["app"]["healthcheck"]["test"])
    assert "python" in healthcheck and "http://127.0.0.1:8080/healthz" in healthcheck


def test_app_and_cleanup_share_the_data_volume_nginx_reads_it_only(services: dict[str, Any]):
    data_dir = dockerfile_env()["GIFSVC_DATA_DIR"]
    app_volume, app_read_only = mounts(services["app"])[data_dir]
    assert not app_read_only
    assert mounts(services["cleanup"])[data_dir] == (app_volume, False)
    assert mounts(services["nginx"])[data_dir] == (app_volume, True)


def test_cleanup_runs_the_cleanup_command_in_a_loop(services: dict[str, Any]):
    script = " ".join(services["cleanup"]["command"])
    assert "while true" in script and "python -m service.cleanup" in script
    assert services["cleanup"]["restart"] == "unless-stopped"


def test_every_variable_set_for_the_service_is_a_setting(services: dict[str, Any]):
    for name in ("app", "nginx-config", "cleanup"):
        assert set(services[name]["environment"]) <= SETTING_NAMES, name
    assert {k for k in dockerfile_env() if k.startswith("GIFSVC_")} <= SETTING_NAMES


def test_compose_renders_a_site_pointing_at_the_app_service(
    services: dict[str, Any], tmp_path: Path
):
    """Run nginx-config's command with the image's and the Compose file's variables."""
    shell, flag, script = services["nginx-config"]["command"]
    script = script.replace("/nginx-conf", str(tmp_path)).replace("python ", f"{sys.executable} ")
    without_settings = {k: v for k, v in os.environ.items() if not k.startswith("GIFSVC_")}
    env = without_settings | dockerfile_env() | services["nginx-config"]["environment"]
    subprocess.run([shell, flag, script], env=env, cwd=tmp_path, check=True)
    assert (
        "include /etc/nginx/conf.d/gifsvc-site.conf;" in (tmp_path / "main/nginx.conf").read_text()
    )
    site = (tmp_path / "gifsvc-site.conf").read_text("utf-8")
    assert "proxy_pass http://app:8080;" in site
    assert "alias /data/downloads/$gifsvc_name;" in site
    assert "listen 8888;" in site
    assert f"client_max_body_size {env['GIFSVC_MAX_REQUEST_BYTES']};" in site


def test_dockerfile_runs_the_service_as_a_non_root_user():
    instructions = dockerfile_instructions()
    users = [arguments for keyword, arguments in instructions if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    [cmd] = [arguments for keyword, arguments in instructions if keyword == "CMD"]
    assert json.loads(cmd) == ["python", "-m", "service"]
    assert ("EXPOSE", str(Settings().port)) in instructions


def test_dockerfile_sets_the_container_settings():
    env = dockerfile_env()
    assert env["GIFSVC_HOST"] == "0.0.0.0"
    assert env["GIFSVC_DATA_DIR"] == "/data"
    assert env["GIFSVC_BEHIND_NGINX"] == "1"


def test_dockerfile_keeps_the_nginx_templates_next_to_the_package():
    """service/ops/nginx_conf.py reads <repo>/nginx: the code runs from /app, by a path entry."""
    instructions = dockerfile_instructions()
    assert ("COPY", "nginx/ nginx/") in instructions
    assert ("COPY", "service/ service/") in instructions
    assert ("WORKDIR", "/app") in instructions
    runs = " ".join(args for keyword, args in instructions if keyword == "RUN")
    assert "echo /app >" in runs and "gifsvc.pth" in runs


def test_the_image_runs_what_the_tests_ran():
    """The locked requirements, hash-checked, and gifsicle of the release the tests run."""
    runs = " ".join(args for keyword, args in dockerfile_instructions() if keyword == "RUN")
    assert "--require-hashes" in runs and "-r requirements.lock" in runs
    assert "pip install -e" not in runs and "pip install ." not in runs
    tested = subprocess.run(["gifsicle", "--version"], capture_output=True, text=True, check=False)
    if tested.returncode != 0:
        pytest.skip("gifsicle is not installed here (scripts/install installs it)")
    release = tested.stdout.splitlines()[0]  # "LCDF Gifsicle 1.93"
    assert f'grep -q "{release}"' in runs


def test_the_build_context_holds_what_the_dockerfile_copies():
    allowed = {
        line.removeprefix("!").rstrip("/")
        for line in (ROOT / ".dockerignore").read_text("utf-8").splitlines()
        if line.startswith("!")
    }
    copied = [
        source
        for keyword, args in dockerfile_instructions()
        if keyword == "COPY"
        for source in args.split()[:-1]
    ]
    assert {source.rstrip("/") for source in copied} <= allowed
