"""cdk-nag's AwsSolutions findings this stack accepts, each acknowledged with its reason.

cdk-nag 3 runs as a CDK validation plugin: synthesis fails on any finding not acknowledged here.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct

SSM_POLICY = "Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore"


def acknowledge(construct: IConstruct, rule: str, reason: str) -> None:
    Validations.of(construct).acknowledge(Acknowledgment(id=rule, reason=reason))


def acknowledge_findings(
    *, instance: IConstruct, role: IConstruct, vpc: IConstruct, web: IConstruct
) -> None:
    acknowledge(
        web,
        "AwsSolutions-EC23",
        "gifsvc is a public web page on port 8888 by design; the context value allowed_cidr "
        "narrows who may reach it. No other port is open.",
    )
    acknowledge(
        role,
        f"AwsSolutions-IAM4[{SSM_POLICY}]",
        "AmazonSSMManagedInstanceCore is the documented policy for Session Manager, which "
        "replaces SSH on this instance.",
    )
    acknowledge(
        instance,
        "AwsSolutions-EC28",
        "Detailed (1-minute) monitoring costs extra; 5-minute metrics suffice for one small "
        "instance, and /healthz reports the service's state.",
    )
    acknowledge(
        instance,
        "AwsSolutions-EC29",
        "The instance is meant to be replaced on every code change (the Elastic IP keeps the "
        "URL) and holds only GIFs that expire within a day.",
    )
    acknowledge(
        vpc,
        "AwsSolutions-VPC7",
        "VPC flow logs cost more than this one-instance service; nginx's access log on the "
        "host records every request.",
    )
