"""The fleet (`cdk deploy -c fleet=true`), synthesized for real with cdk-nag validating: every
part the issue asks for, asserted in the template; and the single instance left as it was."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App
from aws_cdk.assertions import Match, Template

from infra.app import FLEET_STACK_NAME, STACK_NAME, build, build_fleet, wants_fleet
from infra.fleet.edge import FUNCTIONS_DIR, function_code
from infra.fleet.host_env import (
    CLOUDFRONT_READ_TIMEOUT_S,
    GIF_PREFIX,
    VPC_CIDR,
    fleet_settings,
    lifecycle_days,
    request_window_s,
)

from .infra.template import CONTEXT, resources, the

SETTINGS = fleet_settings()
PORT = SETTINGS.public_port
FLEET_CONTEXT = {**CONTEXT, "fleet": "true"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    app = App(context=FLEET_CONTEXT, outdir=str(tmp_path_factory.mktemp("fleet.out")))
    stack = build_fleet(app)
    app.synth()  # cdk-nag runs here: an unacknowledged finding fails it
    return Template.from_stack(stack)


def logical_id(template: Template, kind: str) -> str:
    [found] = resources(template, kind)
    return found


def single_instance_template(context: dict[str, Any], outdir: Path) -> dict[str, Any]:
    app = App(context=context, outdir=str(outdir))
    stack = build(app)
    app.synth()
    return dict(Template.from_stack(stack).to_json())


# --- the app: one stack either way, so `cdk deploy` needs no stack name ---------------------


def test_the_flag_chooses_the_fleet_and_only_the_fleet():
    assert not wants_fleet(App(context=CONTEXT))
    assert not wants_fleet(App(context={**CONTEXT, "fleet": "false"}))
    assert wants_fleet(App(context=FLEET_CONTEXT))


def test_the_single_instance_template_is_unchanged_by_the_flags_existence(tmp_path: Path):
    plain = single_instance_template(CONTEXT, tmp_path / "a")
    other_context = {**CONTEXT, "fleet": "false", "fleet_max_hosts": "50", "fleet_cpu_target": "70"}
    assert single_instance_template(other_context, tmp_path / "b") == plain
    kinds = {r["Type"] for r in plain["Resources"].values()}
    # (The single instance has its own CloudFront for HTTPS, but none of the fleet's parts.)
    assert not kinds & {
        "AWS::AutoScaling::AutoScalingGroup",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "AWS::WAFv2::WebACL",
        "AWS::S3::Bucket",
    }


def test_cdk_synth_with_the_flag_makes_the_fleet_stack_alone(tmp_path: Path):
    app = App(context=FLEET_CONTEXT, outdir=str(tmp_path))
    build_fleet(app)
    assembly = app.synth()
    assert [s.stack_name for s in assembly.stacks] == [FLEET_STACK_NAME]
    assert STACK_NAME != FLEET_STACK_NAME


# --- S3 --------------------------------------------------------------------------------------


def gif_bucket(template: Template) -> tuple[str, dict[str, Any]]:
    for name, bucket in resources(template, "AWS::S3::Bucket").items():
        if "LifecycleConfiguration" in bucket["Properties"] and name.startswith("BucketsGifs"):
            return name, bucket
    raise AssertionError("no GIF bucket")


def test_lifecycle_expires_gifs_after_the_ttl_rounded_up_to_whole_days(template: Template):
    _, bucket = gif_bucket(template)
    [rule] = bucket["Properties"]["LifecycleConfiguration"]["Rules"]
    assert rule["Prefix"] == f"{GIF_PREFIX}/" and rule["Status"] == "Enabled"
    assert rule["ExpirationInDays"] == lifecycle_days(SETTINGS.ttl) == 1
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    assert [lifecycle_days(s) for s in (1, 86400, 86401, 3 * 86400 - 1)] == [1, 1, 2, 3]


def test_bucket_is_private_encrypted_and_logged(template: Template):
    _, bucket = gif_bucket(template)
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    [encryption] = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert props["LoggingConfiguration"]["LogFilePrefix"] == "s3-gifs/"


def test_bucket_policy_is_tls_only_and_cloudfront_only(template: Template):
    name, _ = gif_bucket(template)
    [policy] = [
        p
        for p in resources(template, "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": name}
    ]
    deny, allow = policy["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Action"] == "s3:*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert allow["Effect"] == "Allow" and allow["Action"] == "s3:GetObject"
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    source = json.dumps(allow["Condition"]["StringEquals"]["AWS:SourceArn"])
    assert (
        ":distribution/" in source
        and logical_id(template, "AWS::CloudFront::Distribution") in source
    )


# --- CloudFront ------------------------------------------------------------------------------


def distribution(template: Template) -> dict[str, Any]:
    return the(template, "AWS::CloudFront::Distribution")["Properties"]["DistributionConfig"]  # type: ignore[no-any-return]


def test_downloads_come_from_the_bucket_through_origin_access_control(template: Template):
    oac = the(template, "AWS::CloudFront::OriginAccessControl")["Properties"]
    assert oac["OriginAccessControlConfig"] | {"Name": "-"} == {
        "Name": "-",
        "OriginAccessControlOriginType": "s3",
        "SigningBehavior": "always",
        "SigningProtocol": "sigv4",
    }
    config = distribution(template)
    [downloads] = config["CacheBehaviors"]
    assert downloads["PathPattern"] == "/download/*"
    assert downloads["AllowedMethods"] == ["GET", "HEAD"]
    assert downloads["ViewerProtocolPolicy"] == "redirect-to-https"
    origin = next(o for o in config["Origins"] if o["Id"] == downloads["TargetOriginId"])
    gif_bucket_id, _ = gif_bucket(template)
    assert origin["DomainName"] == {"Fn::GetAtt": [gif_bucket_id, "RegionalDomainName"]}
    assert origin["OriginAccessControlId"] == {
        "Fn::GetAtt": [logical_id(template, "AWS::CloudFront::OriginAccessControl"), "Id"]
    }
    events = [a["EventType"] for a in downloads["FunctionAssociations"]]
    assert events == ["viewer-request", "viewer-response"]


def test_download_functions_carry_the_prefix_and_the_ttl(template: Template):
    codes = [
        f["Properties"]["FunctionCode"]
        for f in resources(template, "AWS::CloudFront::Function").values()
    ]
    assert function_code("download-request.js", gif_prefix=GIF_PREFIX) in codes
    assert function_code("download-response.js", ttl_s=SETTINGS.ttl) in codes
    for function in resources(template, "AWS::CloudFront::Function").values():
        assert function["Properties"]["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"


def test_everything_else_goes_to_the_load_balancer_with_the_longest_timeouts(template: Template):
    config = distribution(template)
    default = config["DefaultCacheBehavior"]
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    assert "POST" in default["AllowedMethods"]
    assert default["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CachingDisabled
    origin = next(o for o in config["Origins"] if o["Id"] == default["TargetOriginId"])
    balancer = logical_id(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert origin["DomainName"] == {"Fn::GetAtt": [balancer, "DNSName"]}
    custom = origin["CustomOriginConfig"]
    assert custom["OriginReadTimeout"] == CLOUDFRONT_READ_TIMEOUT_S == 60
    assert custom["OriginProtocolPolicy"] == "http-only"
    [header] = origin["OriginCustomHeaders"]
    assert header["HeaderName"] == "X-Gifsvc-Origin"
    assert header["HeaderValue"] == {
        "Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]
    }


def test_the_fleets_compositions_answer_within_cloudfronts_read_timeout():
    # The composition's limit, plus the upload of the GIF to S3, stays under the 60 s wait.
    assert SETTINGS.compose_timeout + 10 <= CLOUDFRONT_READ_TIMEOUT_S


def test_cloudfront_logs_and_the_url_output(template: Template):
    config = distribution(template)
    assert config["Logging"]["Prefix"] == "cloudfront/"
    assert config["IPV6Enabled"] is False
    template.has_output(
        "Url",
        {
            "Value": {
                "Fn::Join": [
                    "",
                    [
                        "https://",
                        {
                            "Fn::GetAtt": [
                                logical_id(template, "AWS::CloudFront::Distribution"),
                                "DomainName",
                            ]
                        },
                        "/",
                    ],
                ]
            }
        },
    )


# --- WAF -------------------------------------------------------------------------------------


def test_waf_counts_each_client_across_the_fleet(template: Template):
    acl = the(template, "AWS::WAFv2::WebACL")["Properties"]
    assert acl["Scope"] == "CLOUDFRONT" and acl["DefaultAction"] == {"Allow": {}}
    uploads, everything = acl["Rules"]
    rate = uploads["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "IP" and rate["EvaluationWindowSec"] == 60
    assert rate["Limit"] == SETTINGS.rate_per_minute
    match = rate["ScopeDownStatement"]["ByteMatchStatement"]
    assert match["SearchString"] == "POST" and match["FieldToMatch"] == {"Method": {}}
    assert "ScopeDownStatement" not in everything["Statement"]["RateBasedStatement"]
    block = uploads["Action"]["Block"]["CustomResponse"]
    assert block["ResponseCode"] == 503
    assert block["ResponseHeaders"] == [{"Name": "Retry-After", "Value": "60"}]
    body = json.loads(acl["CustomResponseBodies"][block["CustomResponseBodyKey"]]["Content"])
    assert body["error"]["code"] == "busy"
    acl_id = logical_id(template, "AWS::WAFv2::WebACL")
    assert distribution(template)["WebACLId"] == {"Fn::GetAtt": [acl_id, "Arn"]}


def test_the_fleet_lives_where_cloudfronts_waf_does(tmp_path: Path):
    app = App(context=FLEET_CONTEXT, outdir=str(tmp_path))
    assert build_fleet(app).region == "us-east-1"


# --- load balancer and hosts -----------------------------------------------------------------


def test_load_balancer_idle_timeout_outlasts_the_largest_upload_and_composition(template: Template):
    attributes = {
        a["Key"]: a["Value"]
        for a in the(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")["Properties"][
            "LoadBalancerAttributes"
        ]
    }
    idle = int(attributes["idle_timeout.timeout_seconds"])
    assert idle > request_window_s(SETTINGS) > 60
    assert attributes["routing.http.xff_header_processing.mode"] == "preserve"
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attributes["access_logs.s3.enabled"] == "true"


def test_the_listener_forwards_only_what_came_through_cloudfront(template: Template):
    listener = the(template, "AWS::ElasticLoadBalancingV2::Listener")["Properties"]
    [default] = listener["DefaultActions"]
    assert default["Type"] == "fixed-response"
    assert default["FixedResponseConfig"]["StatusCode"] == "404"
    rule = the(template, "AWS::ElasticLoadBalancingV2::ListenerRule")["Properties"]
    [condition] = rule["Conditions"]
    assert condition["HttpHeaderConfig"]["HttpHeaderName"] == "X-Gifsvc-Origin"
    assert rule["Actions"][0]["Type"] == "forward"


def test_health_check_is_healthz_on_the_public_port(template: Template):
    group = the(template, "AWS::ElasticLoadBalancingV2::TargetGroup")["Properties"]
    assert (group["HealthCheckPath"], group["HealthCheckPort"]) == ("/healthz", str(PORT))
    assert group["Port"] == PORT and group["Matcher"] == {"HttpCode": "200"}


def test_group_spans_two_zones_with_two_hosts_at_least_and_rolls_on_health(template: Template):
    group = the(template, "AWS::AutoScaling::AutoScalingGroup")
    props = group["Properties"]
    assert (props["MinSize"], props["MaxSize"]) == ("2", "10")
    assert len(props["VPCZoneIdentifier"]) == 2
    assert all("hostsSubnet" in s["Ref"] for s in props["VPCZoneIdentifier"])
    assert props["HealthCheckType"] == "ELB"
    rolling = group["UpdatePolicy"]["AutoScalingRollingUpdate"]
    assert rolling["WaitOnResourceSignals"] is True
    assert (rolling["MaxBatchSize"], rolling["MinInstancesInService"]) == (1, 2)
    assert group["CreationPolicy"]["ResourceSignal"]["Count"] == 2
    assert len(resources(template, "AWS::EC2::Subnet")) == 4  # public and private, in two AZs


def test_hosts_signal_only_after_healthz_answers_through_nginx(template: Template):
    config = the(template, "AWS::AutoScaling::AutoScalingGroup")["Metadata"][
        "AWS::CloudFormation::Init"
    ]["config"]
    commands = [config["commands"][key]["command"] for key in sorted(config["commands"])]
    assert commands == [
        "GIFSVC_HOST_FILES=/etc/gifsvc/fleet bash /opt/gifsvc/scripts/provision",
        f"curl -fsS --retry 30 --retry-delay 2 --retry-all-errors http://127.0.0.1:{PORT}/healthz",
    ]
    env = json.dumps(config["files"]["/etc/gifsvc/fleet/gifsvc.env"]["content"])
    gif_bucket_id, _ = gif_bucket(template)
    assert f'{{"Ref": "{gif_bucket_id}"}}' in env and f"/{GIF_PREFIX}\\n" in env
    assert "GIFSVC_STORAGE=s3://" in env and f"GIFSVC_TRUSTED_PROXIES={VPC_CIDR}" in env
    assert "GIFSVC_COMPOSE_TIMEOUT=45" in env


def test_hosts_are_reachable_only_from_the_load_balancer(template: Template):
    groups = resources(template, "AWS::EC2::SecurityGroup")
    [host_group] = [n for n, g in groups.items() if "HostGroup" in n]
    [balancer_group] = [n for n in groups if "BalancerGroup" in n]
    assert "SecurityGroupIngress" not in groups[host_group]["Properties"]
    [ingress] = resources(template, "AWS::EC2::SecurityGroupIngress").values()
    assert ingress["Properties"] | {"Description": "-"} == {
        "Description": "-",
        "FromPort": PORT,
        "ToPort": PORT,
        "IpProtocol": "tcp",
        "GroupId": {"Fn::GetAtt": [host_group, "GroupId"]},
        "SourceSecurityGroupId": {"Fn::GetAtt": [balancer_group, "GroupId"]},
    }
    launch = the(template, "AWS::EC2::LaunchTemplate")["Properties"]["LaunchTemplateData"]
    assert launch["MetadataOptions"]["HttpTokens"] == "required"
    assert launch["BlockDeviceMappings"][0]["Ebs"]["Encrypted"] is True
    assert "KeyName" not in launch


def test_scaling_follows_cpu(template: Template):
    policy = the(template, "AWS::AutoScaling::ScalingPolicy")["Properties"]
    assert policy["PolicyType"] == "TargetTrackingScaling"
    tracking = policy["TargetTrackingConfiguration"]
    assert tracking["PredefinedMetricSpecification"]["PredefinedMetricType"] == (
        "ASGAverageCPUUtilization"
    )
    assert tracking["TargetValue"] == 60


def test_hosts_may_put_and_get_gifs_under_the_prefix_and_nothing_else(template: Template):
    [role_id] = [n for n in resources(template, "AWS::IAM::Role") if n.startswith("HostsHostRole")]
    [policy] = [
        p
        for p in resources(template, "AWS::IAM::Policy").values()
        if p["Properties"]["Roles"] == [{"Ref": role_id}]
    ]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    s3_statements = [s for s in statements if "s3:" in json.dumps(s["Action"])]
    gifs, code = s3_statements
    gif_bucket_id, _ = gif_bucket(template)
    assert gifs["Action"] == ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"]
    assert gifs["Resource"] == {
        "Fn::Join": ["", [{"Fn::GetAtt": [gif_bucket_id, "Arn"]}, f"/{GIF_PREFIX}/*"]]
    }
    assert code["Action"] == "s3:GetObject"
    assert re.search(r"/[0-9a-f]{64}\.zip\"\]\]\}$", json.dumps(code["Resource"]))
    # Besides these two, only cfn-init's own: reading its metadata and signalling the stack.
    [signal] = [s for s in statements if s not in s3_statements]
    assert signal["Resource"] == {"Ref": "AWS::StackId"}
    assert set(signal["Action"]) == {
        "cloudformation:DescribeStackResource",
        "cloudformation:SignalResource",
    }


# --- logs, alarms ----------------------------------------------------------------------------


def test_alarms_go_to_the_topic(template: Template):
    alarms = resources(template, "AWS::CloudWatch::Alarm")
    topic = logical_id(template, "AWS::SNS::Topic")
    assert len(alarms) == 5
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic}]
    names = {
        a["Properties"]["MetricName"] for a in alarms.values() if "MetricName" in a["Properties"]
    }
    assert {"UnHealthyHostCount", "HTTPCode_Target_5XX_Count", "5xxErrorRate"} <= names
    template.has_resource_properties("AWS::EC2::FlowLog", {"ResourceType": "VPC"})
    template.has_resource_properties(
        "AWS::AutoScaling::AutoScalingGroup",
        {"NotificationConfigurations": [Match.object_like({"TopicARN": {"Ref": topic}})]},
    )


def test_cdk_nag_refuses_the_fleet_without_its_acknowledgements(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import infra.fleet.stack

    monkeypatch.setattr(infra.fleet.stack, "acknowledge_fleet_findings", lambda **_: None)
    app = App(context=FLEET_CONTEXT, outdir=str(tmp_path))
    build_fleet(app)
    with pytest.raises(Exception, match="ValidationFailed") as failure:
        app.synth()
    found = set(re.findall(r"AwsSolutions-[A-Z]+[0-9]+", str(failure.value)))
    assert found == {
        "AwsSolutions-IAM4",
        "AwsSolutions-IAM5",
        "AwsSolutions-EC23",
        "AwsSolutions-CFR1",
        "AwsSolutions-CFR4",
        "AwsSolutions-CFR5",
    }


# --- the CloudFront Functions, run by Node ---------------------------------------------------

GIF_ID = "0123456789abcdef0123456789abcdef"


def run_function(name: str, event: dict[str, Any], **values: object) -> dict[str, Any]:
    """Runs the function's handler on the event with Node (CloudFront's runtime is JavaScript)."""
    source = function_code(name, **values)
    script = f"{source}\nconsole.log(JSON.stringify(handler({json.dumps(event)})));"
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def test_request_function_maps_a_download_onto_its_key():
    def uri(path: str) -> str:
        event = {"request": {"uri": path}}
        return str(run_function("download-request.js", event, gif_prefix="gifs")["uri"])

    assert uri(f"/download/{GIF_ID}.gif") == f"/gifs/{GIF_ID}.gif"
    for odd in [
        "/download/",
        "/download/../x.gif",
        f"/download/{GIF_ID.upper()}.gif",
        "/download/a.gif",
    ]:
        assert uri(odd) == "/gifs/-"


def response_event(status: int, age_s: float, query: dict[str, Any]) -> dict[str, Any]:
    import time
    from email.utils import formatdate

    return {
        "request": {"uri": f"/gifs/{GIF_ID}.gif", "querystring": query},
        "response": {
            "statusCode": status,
            "headers": {"last-modified": {"value": formatdate(time.time() - age_s, usegmt=True)}},
        },
    }


def test_response_function_gives_nginxs_download_headers():
    fresh = run_function("download-response.js", response_event(200, 60, {}), ttl_s=3600)
    headers = {k: v["value"] for k, v in fresh["headers"].items()}
    assert headers["content-type"] == "image/gif"
    assert headers["content-disposition"] == f'attachment; filename="{GIF_ID}.gif"'
    assert headers["x-content-type-options"] == "nosniff"
    inline = run_function(
        "download-response.js", response_event(200, 60, {"inline": {"value": "1"}}), ttl_s=3600
    )
    assert inline["headers"]["content-disposition"] == {"value": "inline"}


@pytest.mark.parametrize(("status", "age_s"), [(200, 3700), (403, 0), (404, 0)])
def test_response_function_refuses_expired_and_missing_gifs(status: int, age_s: float):
    answer = run_function("download-response.js", response_event(status, age_s, {}), ttl_s=3600)
    assert answer["statusCode"] == 404
    assert answer["headers"]["content-type"] == {"value": "application/json"}
    assert json.loads(answer["body"]["data"])["error"]["code"] == "not_found"


def test_functions_dir_holds_the_two_functions():
    assert sorted(p.name for p in FUNCTIONS_DIR.iterdir()) == [
        "download-request.js",
        "download-response.js",
    ]


def test_a_fleet_hosts_nginx_believes_the_vpc_and_proxies_downloads():
    """What scripts/provision renders on a fleet host from its env file."""
    from service.ops.nginx_conf import render_site

    site = render_site(SETTINGS)
    assert f"set_real_ip_from {VPC_CIDR};" in site and "real_ip_header X-Forwarded-For;" in site
    first_download = site.index('location ~ "^/download/')
    assert "proxy_pass" in site[first_download : site.index("\n    }", first_download)]
    assert SETTINGS.s3_location == ("bucket-name", GIF_PREFIX)


def test_response_function_lets_a_not_modified_through():
    event = response_event(304, 0, {})
    del event["response"]["headers"]["last-modified"]
    assert run_function("download-response.js", event, ttl_s=3600)["statusCode"] == 304
