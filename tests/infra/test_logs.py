"""The logs go to CloudWatch Logs, with a retention."""

from __future__ import annotations

import json
import re

from aws_cdk.assertions import Template

from infra.config import HOST_DIR
from infra.host_setup import (
    AGENT_CONFIG,
)
from infra.logs import LOG_FILES

from .template import (
    init_config,
    resources,
)


def test_logs_go_to_cloudwatch_logs_with_a_retention(template: Template):
    groups = resources(template, "AWS::Logs::LogGroup")
    assert len(groups) == len(LOG_FILES)
    assert {g["Properties"]["RetentionInDays"] for g in groups.values()} == {30}
    agent = init_config(template)["files"][AGENT_CONFIG]["content"]
    collected = agent["logs"]["logs_collected"]["files"]["collect_list"]
    paths = {entry["file_path"] for entry in collected}
    assert {"/var/log/nginx/access.log", "/var/log/nginx/error.log"} <= paths
    # The service's and the cleanup's logs are where systemd and cron append them.
    unit = (HOST_DIR / "gifsvc.service").read_text()
    [service_log] = re.findall(r"^StandardOutput=append:(\S+)$", unit, re.M)
    [cleanup_log] = re.findall(r">> (\S+) 2>&1$", (HOST_DIR / "gifsvc-cleanup.cron").read_text())
    assert {service_log, cleanup_log} <= paths
    assert {json.dumps(e["log_group_name"]) for e in collected} == {
        json.dumps({"Ref": name}) for name in groups
    }
