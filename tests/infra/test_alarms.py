"""The alarms: status checks and /healthz, to a topic, e-mailed when asked."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Template

from infra.config import HOST_DIR
from infra.host_setup import (
    PROBE_CRON,
)

from .template import (
    CONTEXT,
    PORT,
    init_config,
    logical_id,
    resources,
    the,
)


def alarms(template: Template) -> dict[str, dict[str, Any]]:
    return {k: v["Properties"] for k, v in resources(template, "AWS::CloudWatch::Alarm").items()}


def test_alarm_when_the_instance_fails_its_status_checks(template: Template):
    topic = {"Ref": logical_id(template, "AWS::SNS::Topic")}
    instance = {"Ref": logical_id(template, "AWS::EC2::Instance")}
    by_metric = {a["MetricName"]: a for a in alarms(template).values()}
    for metric in ("StatusCheckFailed", "StatusCheckFailed_System"):
        alarm = by_metric[metric]
        assert alarm["Namespace"] == "AWS/EC2" and alarm["Period"] == 60
        assert alarm["Dimensions"] == [{"Name": "InstanceId", "Value": instance}]
        assert topic in alarm["AlarmActions"] and topic in alarm["OKActions"]
    # EC2 moves the instance to healthy hardware when the host under it fails.
    assert ":ec2:recover" in json.dumps(by_metric["StatusCheckFailed_System"]["AlarmActions"])


def test_alarm_when_healthz_stops_answering(template: Template):
    """A cron'd probe on the host puts /healthz's answer into a metric; silence also alarms."""
    [health] = [a for a in alarms(template).values() if a["Namespace"] == "gifsvc"]
    assert health["MetricName"] == "Healthy" and health["Statistic"] == "Minimum"
    assert health["ComparisonOperator"] == "LessThanThreshold" and health["Threshold"] == 1
    assert health["TreatMissingData"] == "breaching"
    assert health["Dimensions"] == [{"Name": "Stack", "Value": "Gifsvc"}]
    cron = init_config(template)["files"][PROBE_CRON]["content"]
    region = CONTEXT["region"]
    assert (
        f"* * * * * root bash /opt/gifsvc/infra/host/gifsvc-health-probe {PORT} {region} "
        "gifsvc Gifsvc\n" in cron
    )
    probe = (HOST_DIR / "gifsvc-health-probe").read_text()
    assert '--metric-name Healthy --dimensions "Stack=$stack"' in probe
    assert '"http://127.0.0.1:$port/healthz"' in probe
    # Created after the instance answered /healthz: a first deploy raises no alarm.
    instance_id = logical_id(template, "AWS::EC2::Instance")
    for name in alarms(template):
        assert instance_id in resources(template, "AWS::CloudWatch::Alarm")[name]["DependsOn"]


def test_alarm_email_is_subscribed_only_when_the_context_names_one(
    template: Template, plain: Template
):
    assert resources(template, "AWS::SNS::Subscription") == {}
    subscription = the(plain, "AWS::SNS::Subscription")["Properties"]
    assert subscription["Protocol"] == "email" and subscription["Endpoint"] == "ops@example.com"
    # The topic refuses publishing without TLS.
    policy = json.dumps(the(template, "AWS::SNS::TopicPolicy"))
    assert '"aws:SecureTransport": "false"' in policy
