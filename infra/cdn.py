"""HTTPS without a domain: a CloudFront distribution (its *.cloudfront.net name and certificate)
in front of nginx on the Elastic IP's port. Nothing is cached: every answer is the origin's."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from constructs import Construct

# CloudFront's longest wait for the origin without a quota increase; a composition that runs
# longer (GIFSVC_COMPOSE_TIMEOUT is 60 s) is a 504 through CloudFront, still fine on the port.
ORIGIN_READ_TIMEOUT = Duration.seconds(60)


class Cdn(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, origin_dns_name: str, port: int
    ) -> None:
        super().__init__(scope, construct_id)
        origin = origins.HttpOrigin(
            origin_dns_name,
            http_port=port,
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTP_ONLY,
            read_timeout=ORIGIN_READ_TIMEOUT,
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="gifsvc over HTTPS",
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            default_behavior=cloudfront.BehaviorOptions(
                origin=origin,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                # Every header, cookie and query string but Host: nginx sees the request as sent.
                origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
                compress=False,  # GIFs do not compress; the pages are small
            ),
        )

    @property
    def url(self) -> str:
        return f"https://{self.distribution.distribution_domain_name}/"
