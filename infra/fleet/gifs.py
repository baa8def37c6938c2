"""The GIFs' bucket (private, encrypted, TLS-only, expiring) and the bucket the logs go to."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

LOG_DAYS = 90


class GifBuckets(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, prefix: str, expire_after_days: int
    ) -> None:
        super().__init__(scope, construct_id)
        # Access logs of the load balancer, CloudFront and the GIF bucket. CloudFront's standard
        # logs are written with ACLs, hence the owner-preferred ownership.
        self.logs = s3.Bucket(
            self,
            "Logs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,  # what ALB access logs require
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(LOG_DAYS))],
            # Kept by `cdk destroy`; it empties itself within LOG_DAYS.
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.gifs = s3.Bucket(
            self,
            "Gifs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireGifs",
                    prefix=f"{prefix}/",
                    expiration=Duration.days(expire_after_days),
                    # A multipart upload cut off mid-way (the host died) is never visible; this
                    # removes its parts.
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
            server_access_logs_bucket=self.logs,
            server_access_logs_prefix="s3-gifs/",
            # Kept by `cdk destroy` (a bucket with objects cannot be deleted); its GIFs expire.
            removal_policy=RemovalPolicy.RETAIN,
        )
