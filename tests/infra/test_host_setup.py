"""cfn-init: the host's packages, files and commands."""

from __future__ import annotations

import json
import re

import pytest
from aws_cdk.assertions import Template

from infra.config import HOST_DIR, HostEnv
from infra.host_setup import (
    AGENT_CONFIG,
    ENV_TARGET,
    HOST_FILES,
    INIT_PACKAGES,
    NGINX_SITE,
    nginx_site,
)

from .template import (
    PORT,
    REPO,
    init_config,
    the,
)


def test_init_installs_only_the_cloudwatch_agent(template: Template):
    """scripts/provision installs everything else, once (not cfn-init, then dnf again)."""
    assert list(init_config(template)["packages"]["yum"]) == list(INIT_PACKAGES)
    provision = (REPO / "scripts" / "provision").read_text()
    [dnf] = re.findall(r"^DNF_PACKAGES=\((.*)\)$", provision, re.M)
    assert not set(dnf.split()) & set(INIT_PACKAGES)


@pytest.mark.parametrize("name", sorted(HOST_FILES))
def test_init_files_are_the_repos_files(template: Template, name: str):
    files = init_config(template)["files"]
    assert files[HOST_FILES[name]]["content"] == (HOST_DIR / name).read_text()


def test_init_env_file_is_gifsvc_env_read_once(template: Template):
    env = HostEnv.read()
    assert init_config(template)["files"][ENV_TARGET]["content"] == env.text
    assert env.settings.public_port == PORT


def test_init_nginx_site_is_rendered_from_the_shared_template(template: Template):
    site = init_config(template)["files"][NGINX_SITE]["content"]
    assert site == nginx_site(HostEnv.read().settings)
    assert f"listen {PORT};" in site and "alias /var/lib/gifsvc/downloads/$gifsvc_name;" in site


def test_init_ships_logs_then_provisions_then_checks_health_through_nginx(template: Template):
    commands = init_config(template)["commands"]
    assert [commands[key]["command"] for key in sorted(commands)] == [
        "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config "
        f"-m ec2 -s -c file:{AGENT_CONFIG}",
        "bash /opt/gifsvc/scripts/provision",
        f"curl -fsS --retry 30 --retry-delay 2 --retry-all-errors http://127.0.0.1:{PORT}/healthz",
    ]
    instance = the(template, "AWS::EC2::Instance")
    assert instance["CreationPolicy"]["ResourceSignal"]["Count"] == 1
    user_data = json.dumps(instance["Properties"]["UserData"])
    assert "cfn-init" in user_data and "cfn-signal -e $?" in user_data
