"""cdk-nag's AwsSolutions findings this stack accepts, each acknowledged with its reason.

cdk-nag 3 runs as a CDK validation plugin: synthesis fails on any finding not acknowledged here.
Each reason is one sentence.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct

SSM_POLICY = "Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore"


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
    acknowledge(
        web,
        "AwsSolutions-EC23",
        "gifsvc is a public web page on port 8888 by design, the context value allowed_cidr "
        "narrows who may reach it, and no other port is open.",
    )
    acknowledge(
        role,
        f"AwsSolutions-IAM4[{SSM_POLICY}]",
        "AmazonSSMManagedInstanceCore is the documented policy for Session Manager, which "
        "replaces SSH on this instance.",
    )
    acknowledge(
        role,
        "AwsSolutions-IAM5[Resource::*]",
        "cloudwatch:PutMetricData has no resource-level permissions, and the statement's "
        "condition limits it to the gifsvc namespace.",
    )
    acknowledge(
        instance,
        "AwsSolutions-EC28",
        "Detailed monitoring costs extra, while the status checks the alarms watch are 1-minute "
        "metrics at no charge and the health probe reports every minute.",
    )
    acknowledge(
        instance,
        "AwsSolutions-EC29",
        "The instance is replaced on every code change (the Elastic IP keeps the URL, "
        "CloudWatch Logs keep the logs) and holds only GIFs that expire within a day.",
    )
    acknowledge(
        instance,
        "CloudFormation-Validate::W9010",
        "The AMI is pinned in cdk.json on purpose (scripts/pin-ami moves it) so that a deploy "
        "with no change replaces nothing, and the stack's region is pinned with it.",
    )
    acknowledge(
        vpc,
        "AwsSolutions-VPC7",
        "VPC flow logs cost more than this one-instance service, and nginx's access log, "
        "shipped to CloudWatch Logs, records every request.",
    )
    if distribution is not None:
        acknowledge_cdn(distribution)


def acknowledge_cdn(distribution: IConstruct) -> None:
    reasons = {
        "AwsSolutions-CFR1": "gifsvc serves anyone the page is shared with, wherever they are.",
        "AwsSolutions-CFR2": "AWS WAF costs more than this one-instance service, and nginx "
        "already limits each client's requests and connections.",
        "AwsSolutions-CFR3": "nginx's access log, shipped to CloudWatch Logs, records every "
        "request CloudFront forwards, and nothing is cached at the edge.",
        "AwsSolutions-CFR4": "Without a domain of its own the distribution uses CloudFront's "
        "default certificate, whose policy CloudFront fixes (browsers negotiate TLS 1.2+).",
        "AwsSolutions-CFR5": "The origin is nginx on the Elastic IP over plain HTTP on port "
        "8888, since an IP address without a domain cannot get a certificate.",
    }
    for rule, reason in reasons.items():
        acknowledge(distribution, rule, reason)
