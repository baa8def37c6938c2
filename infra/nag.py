"""cdk-nag's AwsSolutions findings this stack accepts, each acknowledged with its reason.

cdk-nag 3 runs as a CDK validation plugin: synthesis fails on any finding not acknowledged here.
Each reason is one sentence.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct

SSM_POLICY = "Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore"

WEB = {
    "AwsSolutions-EC23": "gifsvc is a public web page on port 8888 by design, the context value "
    "allowed_cidr narrows who may reach it, and no other port is open.",
}
ROLE = {
    f"AwsSolutions-IAM4[{SSM_POLICY}]": "AmazonSSMManagedInstanceCore is the documented policy "
    "for Session Manager, which replaces SSH on this instance.",
    "AwsSolutions-IAM5[Resource::*]": "cloudwatch:PutMetricData has no resource-level "
    "permissions, and the statement's condition limits it to the gifsvc namespace.",
}
INSTANCE = {
    "AwsSolutions-EC28": "Detailed monitoring costs extra, while the status checks the alarms "
    "watch are 1-minute metrics at no charge and the health probe reports every minute.",
    "AwsSolutions-EC29": "The instance is replaced on every code change (the Elastic IP keeps "
    "the URL, CloudWatch Logs keep the logs) and holds only GIFs that expire within a day.",
    "CloudFormation-Validate::W9010": "The AMI is pinned in cdk.json on purpose "
    "(scripts/pin-ami moves it) so that a deploy with no change replaces nothing.",
}
VPC = {
    "AwsSolutions-VPC7": "VPC flow logs cost more than this one-instance service, and nginx's "
    "access log, shipped to CloudWatch Logs, records every request.",
}
DISTRIBUTION = {
    "AwsSolutions-CFR1": "gifsvc serves anyone the page is shared with, wherever they are.",
    "AwsSolutions-CFR2": "AWS WAF costs more than this one-instance service, and nginx already "
    "limits each client's requests and connections.",
    "AwsSolutions-CFR3": "nginx's access log, shipped to CloudWatch Logs, records every request "
    "CloudFront forwards, and nothing is cached at the edge.",
    "AwsSolutions-CFR4": "Without a domain of its own the distribution uses CloudFront's default "
    "certificate, whose security policy CloudFront sets and cannot be raised.",
    "AwsSolutions-CFR5": "The origin is nginx on the Elastic IP over plain HTTP on port 8888, "
    "since an address without a domain cannot get a certificate.",
}


def acknowledge(construct: IConstruct, rule: str, reason: str) -> None:
    Validations.of(construct).acknowledge(Acknowledgment(id=rule, reason=reason))


def acknowledge_findings(
    *,
    instance: IConstruct,
    role: IConstruct,
    vpc: IConstruct,
    web: IConstruct,
    distribution: IConstruct | None,
) -> None:
    pairs = [(web, WEB), (role, ROLE), (instance, INSTANCE), (vpc, VPC)]
    if distribution is not None:
        pairs.append((distribution, DISTRIBUTION))
    for construct, reasons in pairs:
        for rule, reason in reasons.items():
            acknowledge(construct, rule, reason)
