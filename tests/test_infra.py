"""The CDK app, synthesized for real once per run: what `cdk deploy` would create."""

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
from infra.host_setup import HOST_DIR, HOST_FILES, NGINX_SITE, nginx_site

REPO = Path(__file__).resolve().parents[1]
CONTEXT = json.loads((REPO / "cdk.json").read_text())["context"]
PORT = 8888


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """Synthesized once, with cdk.json's context, cdk-nag validating (it fails the synth)."""
    app = App(context=CONTEXT, outdir=str(tmp_path_factory.mktemp("cdk.out")))
    stack = build(app)
    app.synth()
    return Template.from_stack(stack)


def resources(template: Template, kind: str) -> dict[str, Any]:
    return dict(template.find_resources(kind))


def the(template: Template, kind: str) -> dict[str, Any]:
    [resource] = resources(template, kind).values()
    return dict(resource)


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


def test_root_volume_is_encrypted_gp3_on_amazon_linux_2023(template: Template):
    props = the(template, "AWS::EC2::Instance")["Properties"]
    [root] = props["BlockDeviceMappings"]
    assert root["Ebs"]["Encrypted"] is True and root["Ebs"]["VolumeType"] == "gp3"
    assert "al2023" in props["ImageId"]["Ref"]
    assert props["InstanceType"] == CONTEXT["instance_type"]
    assert props["NetworkInterfaces"][0]["AssociatePublicIpAddress"] is True


def test_vpc_has_one_public_subnet_and_no_nat(template: Template):
    assert len(resources(template, "AWS::EC2::Subnet")) == 1
    assert resources(template, "AWS::EC2::NatGateway") == {}


def test_elastic_ip_is_on_the_instance_after_the_gateway_is_attached(template: Template):
    [instance_id] = resources(template, "AWS::EC2::Instance")
    [attachment_id] = resources(template, "AWS::EC2::VPCGatewayAttachment")
    [eip_id], eip = (
        next(iter(resources(template, "AWS::EC2::EIP").items()))[0:1],
        the(template, "AWS::EC2::EIP"),
    )
    assert attachment_id in eip["DependsOn"]
    association = the(template, "AWS::EC2::EIPAssociation")["Properties"]
    assert association == {
        "AllocationId": {"Fn::GetAtt": [eip_id, "AllocationId"]},
        "InstanceId": {"Ref": instance_id},
    }


def test_init_installs_nginx_python_and_cron(template: Template):
    packages = init_config(template)["packages"]["yum"]
    assert {"nginx", "python3.11", "cronie"} <= set(packages)


@pytest.mark.parametrize("name", sorted(HOST_FILES))
def test_init_files_are_the_repos_files(template: Template, name: str):
    files = init_config(template)["files"]
    assert files[HOST_FILES[name]]["content"] == (HOST_DIR / name).read_text()


def test_init_nginx_site_is_rendered_from_the_shared_template(template: Template):
    site = init_config(template)["files"][NGINX_SITE]["content"]
    assert site == nginx_site()
    assert f"listen {PORT};" in site and "alias /var/lib/gifsvc/downloads/$gifsvc_name;" in site


def test_init_provisions_with_the_script_then_checks_health_through_nginx(template: Template):
    commands = init_config(template)["commands"]
    assert [commands[key]["command"] for key in sorted(commands)] == [
        "bash /opt/gifsvc/scripts/provision",
        f"curl -fsS --retry 30 --retry-delay 2 --retry-all-errors http://127.0.0.1:{PORT}/healthz",
    ]
    instance = the(template, "AWS::EC2::Instance")
    assert instance["CreationPolicy"]["ResourceSignal"]["Count"] == 1
    user_data = json.dumps(instance["Properties"]["UserData"])
    assert "cfn-init" in user_data and "cfn-signal -e $?" in user_data


def test_code_asset_is_readable_as_that_one_object_only(template: Template):
    sources = init_config(template)["sources"]
    url = sources["/opt/gifsvc"]["Fn::Sub"]
    key = re.search(r"/([0-9a-f]{64}\.zip)$", url)
    assert key is not None
    [policy] = resources(template, "AWS::IAM::Policy").values()
    s3 = [
        s
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if "s3" in json.dumps(s["Action"])
    ]
    assert len(s3) == 1 and s3[0]["Action"] == "s3:GetObject"
    assert json.dumps(s3[0]["Resource"]).endswith(f'"/{key.group(1)}"]]}}')
    assert "*" not in json.dumps(policy["Properties"]["PolicyDocument"])
    auth = the(template, "AWS::EC2::Instance")["Metadata"]["AWS::CloudFormation::Authentication"]
    assert auth["S3AccessCreds"]["type"] == "S3"


def test_code_change_replaces_the_instance(template: Template):
    """The user data carries a fingerprint of the init config (the asset's hash included)."""
    [instance_id] = resources(template, "AWS::EC2::Instance")
    user_data = json.dumps(the(template, "AWS::EC2::Instance")["Properties"]["UserData"])
    assert re.search(r"# fingerprint: [0-9a-f]{16}", user_data)
    assert re.fullmatch(r"InstanceC1063A87[0-9a-f]{16}", instance_id)  # user data in the id


def test_outputs_give_the_url_the_instance_and_the_session_command(template: Template):
    [instance_id] = resources(template, "AWS::EC2::Instance")
    [eip_id] = resources(template, "AWS::EC2::EIP")
    template.has_output(
        "Url", {"Value": {"Fn::Join": ["", ["http://", {"Ref": eip_id}, f":{PORT}/"]]}}
    )
    template.has_output("InstanceId", {"Value": {"Ref": instance_id}})
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
    app = App(context=CONTEXT, outdir=str(tmp_path))
    build(app)
    with pytest.raises(Exception, match="ValidationFailed") as failure:
        app.synth()
    found = set(re.findall(r"AwsSolutions-[A-Z]+[0-9]+", str(failure.value)))
    assert found == {
        "AwsSolutions-EC23",
        "AwsSolutions-IAM4",
        "AwsSolutions-EC28",
        "AwsSolutions-EC29",
        "AwsSolutions-VPC7",
    }
