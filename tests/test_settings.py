"""One frozen Settings from GIFSVC_* variables; bad values stop start-up naming the variable."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from service.settings import Settings, SettingsError

CONTRACT_DEFAULTS = {
    "GIFSVC_DATA_DIR": "./var",
    "GIFSVC_HOST": "127.0.0.1",
    "GIFSVC_PORT": "8080",
    "GIFSVC_PUBLIC_PORT": "8888",
    "GIFSVC_WORKERS": "CPU count",
    "GIFSVC_QUEUE": "16",
    "GIFSVC_TTL": "86400",
    "GIFSVC_MAX_FILES": "100",
    "GIFSVC_MAX_FILE_BYTES": "26214400",
    "GIFSVC_MAX_REQUEST_BYTES": "209715200",
    "GIFSVC_MAX_PIXELS": "50000000",
    "GIFSVC_MAX_SIDE": "1280",
}


def test_defaults_are_the_contracts():
    described = {env: default for env, default, _ in Settings.describe()}
    assert {k: described[k] for k in CONTRACT_DEFAULTS} == CONTRACT_DEFAULTS
    assert Settings.from_env({}).workers == (os.cpu_count() or 1)


def test_every_setting_has_a_variable_and_a_help_line():
    for env, _, help_ in Settings.describe():
        assert env.startswith("GIFSVC_") and help_


def test_variables_are_read_and_typed():
    settings = Settings.from_env(
        {
            "GIFSVC_PORT": "9090",
            "GIFSVC_DATA_DIR": "/srv/gifs",
            "GIFSVC_BEHIND_NGINX": "yes",
            "GIFSVC_COMPOSE_TIMEOUT": "2.5",
            "GIFSVC_QUEUE": " 0 ",
        }
    )
    assert settings.port == 9090 and settings.data_dir == Path("/srv/gifs")
    assert settings.behind_nginx is True and settings.compose_timeout == 2.5
    assert settings.queue == 0
    assert settings.downloads_dir == Path("/srv/gifs/downloads")


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().port = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("env", "value"),
    [
        ("GIFSVC_PORT", "http"),
        ("GIFSVC_WORKERS", "0"),
        ("GIFSVC_MAX_SIDE", "-5"),
        ("GIFSVC_BEHIND_NGINX", "maybe"),
        ("GIFSVC_COMPOSE_TIMEOUT", "soon"),
    ],
)
def test_bad_value_names_the_variable(env: str, value: str):
    with pytest.raises(SettingsError, match=env):
        Settings.from_env({env: value})


def test_bad_value_stops_start_up_with_a_message():
    result = subprocess.run(
        [sys.executable, "-m", "service"],
        env=os.environ | {"GIFSVC_MAX_FILES": "lots"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "GIFSVC_MAX_FILES" in result.stderr and "'lots'" in result.stderr


def test_help_lists_every_variable():
    result = subprocess.run(
        [sys.executable, "-m", "service", "--help"], capture_output=True, text=True, check=True
    )
    for env, default, help_ in Settings.describe():
        assert env in result.stdout and help_ in result.stdout and default in result.stdout


def test_storage_is_local_or_an_s3_url_with_a_prefix():
    assert Settings.from_env({}).s3_location is None
    s3 = Settings.from_env({"GIFSVC_STORAGE": "s3://my-gifs/fleet/gifs/"})
    assert s3.s3_location == ("my-gifs", "fleet/gifs")
    assert Settings.from_env({"GIFSVC_STORAGE": "s3://my-gifs"}).s3_location == ("my-gifs", "")
    for bad in ["s3:/my-gifs", "S3://My_Gifs/x", "/var/gifs", "s3://"]:
        with pytest.raises(SettingsError, match="GIFSVC_STORAGE"):
            Settings.from_env({"GIFSVC_STORAGE": bad})


def test_trusted_proxies_are_cidrs():
    settings = Settings.from_env({"GIFSVC_TRUSTED_PROXIES": "10.42.0.0/16, 192.168.1.7"})
    assert settings.trusted_proxy_cidrs == ["10.42.0.0/16", "192.168.1.7/32"]
    with pytest.raises(SettingsError, match="GIFSVC_TRUSTED_PROXIES"):
        Settings.from_env({"GIFSVC_TRUSTED_PROXIES": "10.0.0.0/33"})
