"""The CDK app, synthesized for real: what `cdk deploy` would create, with every context flag."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault(
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION",
    subprocess.run(
        ["node", "-p", "process.versions.node.split('.')[0]"], capture_output=True, text=True
    ).stdout.strip(),
)

from aws_cdk import App
from aws_cdk.assertions import Match, Template

from infra.app import build
from infra.config import HOST_DIR, ConfigError, HostEnv
from infra.host_setup import (
    AGENT_CONFIG,
    ENV_TARGET,
    HOST_FILES,
    INIT_PACKAGES,
    NGINX_SITE,
    PROBE_CRON,
    nginx_site,
)
from infra.logs import LOG_FILES

REPO = Path(__file__).resolve().parents[1]
CONTEXT = json.loads((REPO / "cdk.json").read_text())["context"]
AMI = CONTEXT["ami"][CONTEXT["region"]]["x86_64"]
PORT = 8888


def synth(outdir: Path, repo: Path = REPO, **context: object) -> Template:
    """The stack with cdk.json's context (plus overrides), cdk-nag validating (it fails synth)."""
    app = App(context=CONTEXT | context, outdir=str(outdir))
    stack = build(app, repo)
    app.synth()
    return Template.from_stack(stack)


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    return synth(tmp_path_factory.mktemp("cdk.out"))


@pytest.fixture(scope="session")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The other value of every flag: no HTTPS, an alarm e-mail, a type without CPU credits."""
    return synth(
        tmp_path_factory.mktemp("cdk.out"),
        https="false",
        alarm_email="ops@example.com",
        instance_type="m5.large",
    )


def resources(template: Template, kind: str) -> dict[str, Any]:
    return dict(template.find_resources(kind))


def the(template: Template, kind: str) -> dict[str, Any]:
    [resource] = resources(template, kind).values()
    return dict(resource)


def logical_id(template: Template, kind: str) -> str:
    [name] = resources(template, kind)
    return name


def init_config(template: Template) -> dict[str, Any]:
    instance = the(template, "AWS::EC2::Instance")
    return instance["Metadata"]["AWS::CloudFormation::Init"]["config"]  # type: ignore[no-any-return]


def test_only_port_8888_is_open_and_never_ssh(template: Template):
    group = the(template, "AWS::EC2::SecurityGroup")
    assert group["Properties"]["SecurityGroupIngress"] == [
        {
            "CidrIp": CONTEXT["allowed_cidr"],
            "Description": "gifsvc (nginx)",
            "FromPort": PORT,
            "IpProtocol": "tcp",
            "ToPort": PORT,
        }
    ]
    assert resources(template, "AWS::EC2::SecurityGroupIngress") == {}
    assert '"FromPort": 22' not in json.dumps(template.to_json())
    assert "KeyName" not in the(template, "AWS::EC2::Instance")["Properties"]


def test_instance_uses_session_manager_instead_of_ssh(template: Template):
    role = the(template, "AWS::IAM::Role")
    assert (
        json.dumps(role["Properties"]["ManagedPolicyArns"]).count("AmazonSSMManagedInstanceCore")
        == 1
    )


def test_imdsv2_is_required(template: Template):
    launch = the(template, "AWS::EC2::LaunchTemplate")
    assert launch["Properties"]["LaunchTemplateData"]["MetadataOptions"] == {
        "HttpTokens": "required"
    }


def test_root_volume_is_encrypted_gp3(template: Template):
    props = the(template, "AWS::EC2::Instance")["Properties"]
    [root] = props["BlockDeviceMappings"]
    assert root["Ebs"]["Encrypted"] is True and root["Ebs"]["VolumeType"] == "gp3"
    assert props["InstanceType"] == CONTEXT["instance_type"]
    assert props["NetworkInterfaces"][0]["AssociatePublicIpAddress"] is True


def test_the_ami_is_the_one_cdk_json_pins_not_a_lookup(template: Template):
    """No SSM parameter resolving "latest" at each deploy: the same AMI until scripts/pin-ami."""
    props = the(template, "AWS::EC2::Instance")["Properties"]
    assert props["ImageId"] == AMI and AMI.startswith("ami-")
    assert set(template.to_json()["Parameters"]) == {"BootstrapVersion"}  # the CDK's own
    assert "ssm" not in json.dumps(props["ImageId"]).lower()


def test_burstable_instance_runs_on_standard_cpu_credits(template: Template, plain: Template):
    props = the(template, "AWS::EC2::Instance")["Properties"]
    assert props["CreditSpecification"] == {"CPUCredits": "standard"}
    # A type without CPU credits gets no credit specification (EC2 would refuse one).
    assert "CreditSpecification" not in the(plain, "AWS::EC2::Instance")["Properties"]


@pytest.mark.parametrize("instance_type", ["t4g.small", "c7g.large"])
def test_an_instance_type_of_an_unpinned_architecture_fails_at_synth(
    tmp_path: Path, instance_type: str
):
    with pytest.raises(ConfigError, match=rf"instance_type {instance_type} is arm64.*pin-ami"):
        synth(tmp_path, instance_type=instance_type)


def test_the_ami_follows_the_architecture_when_one_is_pinned(tmp_path: Path):
    amis = {CONTEXT["region"]: {"x86_64": AMI, "arm64": "ami-0123456789abcdef0"}}
    arm = synth(tmp_path, instance_type="t4g.small", ami=amis)
    assert the(arm, "AWS::EC2::Instance")["Properties"]["ImageId"] == "ami-0123456789abcdef0"


def test_vpc_has_one_public_subnet_no_nat_and_dns_hostnames(template: Template):
    assert len(resources(template, "AWS::EC2::Subnet")) == 1
    assert resources(template, "AWS::EC2::NatGateway") == {}
    # CloudFront reaches the Elastic IP by its EC2 public DNS name.
    assert the(template, "AWS::EC2::VPC")["Properties"]["EnableDnsHostnames"] is True


def test_elastic_ip_keeps_its_logical_id_and_is_on_the_instance(template: Template):
    instance_id = logical_id(template, "AWS::EC2::Instance")
    attachment_id = logical_id(template, "AWS::EC2::VPCGatewayAttachment")
    # "Address" is the ID earlier versions of the stack gave it: an update keeps the address.
    assert logical_id(template, "AWS::EC2::EIP") == "Address"
    assert attachment_id in the(template, "AWS::EC2::EIP")["DependsOn"]
    association = the(template, "AWS::EC2::EIPAssociation")["Properties"]
    assert association == {
        "AllocationId": {"Fn::GetAtt": ["Address", "AllocationId"]},
        "InstanceId": {"Ref": instance_id},
    }


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


def asset_key(template: Template) -> str:
    url = init_config(template)["sources"]["/opt/gifsvc"]["Fn::Sub"]
    key = re.search(r"/([0-9a-f]{64}\.zip)$", url)
    assert key is not None
    return key.group(1)


def test_code_asset_is_readable_as_that_one_object_only(template: Template):
    key = asset_key(template)
    [policy] = resources(template, "AWS::IAM::Policy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    s3 = [s for s in statements if "s3" in json.dumps(s["Action"])]
    assert len(s3) == 1 and s3[0]["Action"] == "s3:GetObject"
    assert json.dumps(s3[0]["Resource"]).endswith(f'"/{key}"]]}}')
    # The one "*": PutMetricData, which has no resource-level permissions, in our namespace.
    [wildcard] = [s for s in statements if "*" in json.dumps(s)]
    assert wildcard["Action"] == "cloudwatch:PutMetricData" and wildcard["Resource"] == "*"
    assert wildcard["Condition"] == {"StringEquals": {"cloudwatch:namespace": "gifsvc"}}
    auth = the(template, "AWS::EC2::Instance")["Metadata"]["AWS::CloudFormation::Authentication"]
    assert auth["S3AccessCreds"]["type"] == "S3"


def test_code_change_replaces_the_instance(template: Template):
    """The user data carries a fingerprint of the init config (the asset's hash included)."""
    instance_id = logical_id(template, "AWS::EC2::Instance")
    user_data = json.dumps(the(template, "AWS::EC2::Instance")["Properties"]["UserData"])
    assert re.search(r"# fingerprint: [0-9a-f]{16}", user_data)
    assert re.fullmatch(r"HostInstance[0-9A-F]{8}[0-9a-f]{16}", instance_id)


def test_untracked_files_and_test_leftovers_do_not_change_the_template(tmp_path: Path):
    """The same commit gives the same template, whatever a test run or a bench left behind:
    a deploy with no change changes nothing."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    before = synth(tmp_path / "before", repo=clone).to_json()
    for junk in (
        ".hypothesis/examples/ab/cd",
        "build/lib/service/app.py",
        "bench-results.json",
        "service/__pycache__/app.cpython-311.pyc",
        "service/notes-not-added.py",
        "var/downloads/0123.gif",
        "nginx/site.conf.orig",
        "infra/host/scratch.env",
    ):
        (clone / junk).parent.mkdir(parents=True, exist_ok=True)
        (clone / junk).write_text("left behind\n")
    assert synth(tmp_path / "after", repo=clone).to_json() == before
    # While a change to what the host runs is a new asset, and so a new instance.
    with (clone / "service" / "app.py").open("a") as app:
        app.write("# changed\n")
    changed = synth(tmp_path / "changed", repo=clone)
    assert asset_key(changed) != asset_key(Template.from_json(before))


def test_code_asset_holds_the_allow_list_only(template: Template, tmp_path: Path):
    from infra.code_asset import HOST_PATHS, tracked_files

    names = tracked_files(REPO)
    assert {"requirements.lock", "scripts/provision", "service/app.py"} <= set(names)
    assert "vendor/gifsicle-1.93.tar.gz" in names
    assert all(n == p or n.startswith(f"{p}/") for n in names for p in [first(n, HOST_PATHS)])
    assert not [n for n in names if n.startswith(("tests/", "scripts/bench", "docs/", ".ci/"))]


def first(name: str, paths: tuple[str, ...]) -> str:
    return next(p for p in paths if name == p or name.startswith(f"{p}/"))


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


def test_https_through_cloudfront_to_nginx_on_the_elastic_ip(template: Template):
    config = the(template, "AWS::CloudFront::Distribution")["Properties"]["DistributionConfig"]
    [origin] = config["Origins"]
    assert origin["CustomOriginConfig"]["HTTPPort"] == PORT
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "http-only"
    # A custom origin needs a DNS name: the Elastic IP's EC2 public name.
    assert origin["DomainName"] == {
        "Fn::Join": [
            "",
            [
                "ec2-",
                {"Fn::Join": ["-", {"Fn::Split": [".", {"Ref": "Address"}]}]},
                ".compute-1.amazonaws.com",
            ],
        ]
    }
    behaviour = config["DefaultCacheBehavior"]
    assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    assert "POST" in behaviour["AllowedMethods"]
    assert behaviour["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # disabled
    distribution = logical_id(template, "AWS::CloudFront::Distribution")
    template.has_output(
        "HttpsUrl",
        {
            "Value": {
                "Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution, "DomainName"]}, "/"]]
            }
        },
    )


def test_https_off_leaves_the_port_on_the_elastic_ip(plain: Template):
    assert resources(plain, "AWS::CloudFront::Distribution") == {}
    assert plain.find_outputs("HttpsUrl") == {}
    plain.has_output(
        "Url", {"Value": {"Fn::Join": ["", ["http://", {"Ref": "Address"}, f":{PORT}/"]]}}
    )


def test_outputs_give_the_urls_the_instance_the_alarms_and_the_session_command(
    template: Template,
):
    instance_id = logical_id(template, "AWS::EC2::Instance")
    template.has_output(
        "Url", {"Value": {"Fn::Join": ["", ["http://", {"Ref": "Address"}, f":{PORT}/"]]}}
    )
    template.has_output("InstanceId", {"Value": {"Ref": instance_id}})
    template.has_output("AlarmTopic", {"Value": {"Ref": logical_id(template, "AWS::SNS::Topic")}})
    template.has_output(
        "SessionCommand", {"Value": Match.object_like({"Fn::Join": Match.any_value()})}
    )
    outputs = json.dumps(template.find_outputs("SessionCommand"))
    assert "aws ssm start-session --target " in outputs


def test_cdk_nag_refuses_the_stack_without_its_acknowledgements(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Proves cdk-nag really runs, and that each acknowledgement is needed."""
    import infra.stack

    monkeypatch.setattr(infra.stack, "acknowledge_findings", lambda **_: None)
    with pytest.raises(Exception, match="ValidationFailed") as failure:
        synth(tmp_path)
    found = set(re.findall(r"(?:AwsSolutions-[A-Z]+[0-9]+|W9010)", str(failure.value)))
    assert found == {
        "AwsSolutions-EC23",
        "AwsSolutions-IAM4",
        "AwsSolutions-IAM5",
        "AwsSolutions-EC28",
        "AwsSolutions-EC29",
        "AwsSolutions-VPC7",
        "AwsSolutions-CFR1",
        "AwsSolutions-CFR2",
        "AwsSolutions-CFR3",
        "AwsSolutions-CFR4",
        "AwsSolutions-CFR5",
        "W9010",
    }


def test_every_acknowledgement_is_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import infra.nag

    seen: dict[str, str] = {}
    real = infra.nag.acknowledge

    def record(construct: Any, rule: str, reason: str) -> None:
        seen[rule] = reason
        real(construct, rule, reason)

    monkeypatch.setattr(infra.nag, "acknowledge", record)
    build(App(context=CONTEXT, outdir=str(tmp_path)))
    assert len(seen) == 12
    for rule, reason in seen.items():
        assert reason.endswith(".") and ". " not in reason and len(reason) < 200, rule


def test_cdk_synth_installs_nothing_system_wide(tmp_path: Path):
    """scripts/cdk-app runs `scripts/install --infra`: no apt-get, dnf or npm, only the venv."""
    assert "scripts/install --infra" in (REPO / "scripts" / "cdk-app").read_text()
    calls = tmp_path / "calls"
    for tool in ("apt-get", "dnf", "npm"):
        fake = tmp_path / tool
        fake.write_text(f'#!/bin/sh\necho {tool} "$@" >> {calls}\n')
        fake.chmod(0o755)
    env = os.environ | {"PATH": f"{tmp_path}:{os.environ['PATH']}"}
    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "install"), "--infra"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert not calls.exists(), calls.read_text()


def test_pin_ami_writes_the_regions_latest_amis_into_cdk_json(tmp_path: Path):
    (tmp_path / "scripts").mkdir()
    script = tmp_path / "scripts" / "pin-ami"
    script.write_text((REPO / "scripts" / "pin-ami").read_text())
    (tmp_path / "cdk.json").write_text((REPO / "cdk.json").read_text())
    fake = tmp_path / "bin" / "aws"
    fake.parent.mkdir()
    fake.write_text(
        '#!/bin/sh\ncase "$*" in *x86_64*) echo ami-0aaaaaaaaaaaaaaa1 ;; '
        "*arm64*) echo ami-0bbbbbbbbbbbbbbb2 ;; esac\n"
    )
    fake.chmod(0o755)
    env = os.environ | {"PATH": f"{fake.parent}:{os.environ['PATH']}"}
    subprocess.run(["bash", str(script), "eu-west-1"], env=env, check=True, capture_output=True)
    context = json.loads((tmp_path / "cdk.json").read_text())["context"]
    assert context["ami"]["eu-west-1"] == {
        "x86_64": "ami-0aaaaaaaaaaaaaaa1",
        "arm64": "ami-0bbbbbbbbbbbbbbb2",
    }
    assert context["ami"][CONTEXT["region"]] == CONTEXT["ami"][CONTEXT["region"]]
