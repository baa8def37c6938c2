"""HTTPS through CloudFront, on by default; port 8888 stays."""

from __future__ import annotations

from aws_cdk.assertions import Template

from .template import (
    PORT,
    logical_id,
    resources,
    the,
)


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
