"""The EC2 host: the pinned AMI, its architecture, CPU credits, the Elastic IP, the outputs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from aws_cdk.assertions import Match, Template

from infra.config import ConfigError

from .template import (
    AMI,
    CONTEXT,
    PORT,
    logical_id,
    synth,
    the,
)


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


def test_code_change_replaces_the_instance(template: Template):
    """The user data carries a fingerprint of the init config (the asset's hash included)."""
    instance_id = logical_id(template, "AWS::EC2::Instance")
    user_data = json.dumps(the(template, "AWS::EC2::Instance")["Properties"]["UserData"])
    assert re.search(r"# fingerprint: [0-9a-f]{16}", user_data)
    assert re.fullmatch(r"HostInstance[0-9A-F]{8}[0-9a-f]{16}", instance_id)


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
