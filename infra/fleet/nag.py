"""cdk-nag's AwsSolutions findings the fleet accepts, each acknowledged with its reason.

Synthesis fails on any finding not acknowledged here (tests/test_fleet.py proves each is needed).
"""

from __future__ import annotations

from constructs import IConstruct

from ..nag import SSM_POLICY, acknowledge

GIF_OBJECTS = "Resource::<BucketsGifs605CA892.Arn>/gifs/*"


def acknowledge_fleet_findings(
    *, role: IConstruct, balancer_group: IConstruct, distribution: IConstruct
) -> None:
    acknowledge(
        role,
        f"AwsSolutions-IAM4[{SSM_POLICY}]",
        "AmazonSSMManagedInstanceCore is the documented policy for Session Manager, which "
        "replaces SSH on the hosts.",
    )
    acknowledge(
        role,
        f"AwsSolutions-IAM5[{GIF_OBJECTS}]",
        "The hosts put and get GIFs whose names they make at run time, so the grant is every "
        "object under the GIF prefix of this one bucket, and nothing else.",
    )
    acknowledge(
        balancer_group,
        "AwsSolutions-EC23",
        "CloudFront reaches the load balancer from its changing edge addresses; the listener "
        "forwards only requests carrying CloudFront's secret origin header and answers 404 to "
        "the rest.",
    )
    acknowledge(
        distribution,
        "AwsSolutions-CFR1",
        "gifsvc serves whoever its users share links with, wherever they are; the WAF's "
        "per-client rate rules are the access control.",
    )
    acknowledge(
        distribution,
        "AwsSolutions-CFR4",
        "The distribution answers on its own *.cloudfront.net name, whose default certificate "
        "cannot set a minimum TLS version; a custom domain with an ACM certificate lifts this.",
    )
    acknowledge(
        distribution,
        "AwsSolutions-CFR5",
        "The load balancer has no certificate without a domain, so CloudFront reaches it over "
        "HTTP inside AWS's network; no SSLv3 or TLSv1 is ever negotiated to any origin.",
    )
