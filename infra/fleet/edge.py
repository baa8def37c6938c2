"""CloudFront in front of everything, on its own *.cloudfront.net name over HTTPS:

- /download/<id>.gif from the GIF bucket (origin access control), with the download headers
  and the TTL enforced by two CloudFront Functions (functions/);
- everything else from the load balancer, uncached, with the longest origin timeouts CloudFront
  allows without a quota increase;
- AWS WAF (CloudFront scope, hence us-east-1) counting each client address across the fleet.
"""

from __future__ import annotations

import json
from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from service.ops.nginx_conf import render

from .hosts import ORIGIN_HEADER

FUNCTIONS_DIR = Path(__file__).resolve().parent / "functions"
DOWNLOADS = "/download/*"
# WAF's shortest window; its rate limits are requests per window.
WAF_WINDOW_S = 60
BUSY_BODY = json.dumps(
    {
        "error": {
            "code": "busy",
            "message": "Too many requests from your address; try again in a minute.",
        }
    }
)


def function_code(name: str, **values: object) -> str:
    return render((FUNCTIONS_DIR / name).read_text("utf-8"), values)


class Edge(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        balancer: elbv2.IApplicationLoadBalancer,
        origin_secret: str,
        read_timeout_s: int,
        gifs: s3.IBucket,
        gif_prefix: str,
        ttl_s: int,
        uploads_per_minute: int,
        requests_per_minute: int,
        logs: s3.IBucket,
    ) -> None:
        super().__init__(scope, construct_id)
        self.web_acl = _web_acl(self, uploads_per_minute, requests_per_minute)
        service = origins.LoadBalancerV2Origin(
            balancer,
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTP_ONLY,
            read_timeout=Duration.seconds(read_timeout_s),
            keepalive_timeout=Duration.seconds(read_timeout_s),
            custom_headers={ORIGIN_HEADER: origin_secret},
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="gifsvc fleet",
            default_behavior=cloudfront.BehaviorOptions(
                origin=service,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            ),
            additional_behaviors={DOWNLOADS: self._downloads(gifs, gif_prefix, ttl_s)},
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            # IPv4 only: per-client limits count addresses, and one IPv6 client holds millions.
            enable_ipv6=False,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            enable_logging=True,
            log_bucket=logs,
            log_file_prefix="cloudfront/",
            web_acl_id=self.web_acl.attr_arn,
        )

    def _function(self, construct_id: str, code: str, comment: str) -> cloudfront.Function:
        """A CloudFront Function (JavaScript 2.0) of the given code."""
        return cloudfront.Function(
            self,
            construct_id,
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            code=cloudfront.FunctionCode.from_inline(code),
            comment=comment,
        )

    def _downloads(
        self, gifs: s3.IBucket, gif_prefix: str, ttl_s: int
    ) -> cloudfront.BehaviorOptions:
        """/download/<id>.gif from the bucket: the key from the id, the headers and the TTL by
        two CloudFront Functions (functions/)."""
        download_request = self._function(
            "DownloadRequest",
            function_code("download-request.js", gif_prefix=gif_prefix),
            "gifsvc: /download/<id>.gif -> the bucket's key",
        )
        download_response = self._function(
            "DownloadResponse",
            function_code("download-response.js", ttl_s=ttl_s),
            "gifsvc: download headers; expired or unknown GIFs are 404",
        )
        return cloudfront.BehaviorOptions(
            origin=origins.S3BucketOrigin.with_origin_access_control(gifs),
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
            cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
            function_associations=[
                cloudfront.FunctionAssociation(
                    function=download_request,
                    event_type=cloudfront.FunctionEventType.VIEWER_REQUEST,
                ),
                cloudfront.FunctionAssociation(
                    function=download_response,
                    event_type=cloudfront.FunctionEventType.VIEWER_RESPONSE,
                ),
            ],
        )


def _web_acl(
    scope: Construct, uploads_per_minute: int, requests_per_minute: int
) -> wafv2.CfnWebACL:
    """Per client address, across every host: uploads (POST) and all requests per minute.
    Past either, 503 busy in the contract's JSON with Retry-After, like nginx's own limit."""
    return wafv2.CfnWebACL(
        scope,
        "Firewall",
        scope="CLOUDFRONT",
        default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
        visibility_config=_visibility("gifsvc"),
        custom_response_bodies={
            "busy": wafv2.CfnWebACL.CustomResponseBodyProperty(
                content_type="APPLICATION_JSON", content=BUSY_BODY
            )
        },
        rules=[
            _rate_rule("UploadsPerClient", 0, uploads_per_minute, only_posts=True),
            _rate_rule("RequestsPerClient", 1, requests_per_minute, only_posts=False),
        ],
    )


def _rate_rule(
    name: str, priority: int, per_minute: int, *, only_posts: bool
) -> wafv2.CfnWebACL.RuleProperty:
    posts = wafv2.CfnWebACL.StatementProperty(
        byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
            field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(method={}),
            positional_constraint="EXACTLY",
            search_string="POST",
            text_transformations=[
                wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")
            ],
        )
    )
    return wafv2.CfnWebACL.RuleProperty(
        name=name,
        priority=priority,
        statement=wafv2.CfnWebACL.StatementProperty(
            rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                aggregate_key_type="IP",
                limit=per_minute * WAF_WINDOW_S // 60,
                evaluation_window_sec=WAF_WINDOW_S,
                scope_down_statement=posts if only_posts else None,
            )
        ),
        action=wafv2.CfnWebACL.RuleActionProperty(
            block=wafv2.CfnWebACL.BlockActionProperty(
                custom_response=wafv2.CfnWebACL.CustomResponseProperty(
                    response_code=503,
                    custom_response_body_key="busy",
                    response_headers=[
                        wafv2.CfnWebACL.CustomHTTPHeaderProperty(
                            name="Retry-After", value=str(WAF_WINDOW_S)
                        )
                    ],
                )
            )
        ),
        visibility_config=_visibility(name),
    )


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
    )
