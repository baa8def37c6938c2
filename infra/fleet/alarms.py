"""Alarms to one SNS topic (optionally mailed): hosts unhealthy, server errors at the load
balancer and at CloudFront, and the group at its ceiling with its CPU still high."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

FIVE_MINUTES = Duration.minutes(5)


class FleetTopic(Construct):
    """Where alarms and the group's launch/terminate notifications go."""

    def __init__(self, scope: Construct, construct_id: str, *, email: str | None) -> None:
        super().__init__(scope, construct_id)
        self.topic = sns.Topic(self, "Topic", display_name="gifsvc fleet", enforce_ssl=True)
        if email:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))


class FleetAlarms(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        topic: sns.ITopic,
        balancer: elbv2.ApplicationLoadBalancer,
        targets: elbv2.ApplicationTargetGroup,
        group: autoscaling.AutoScalingGroup,
        distribution: cloudfront.Distribution,
        max_hosts: int,
    ) -> None:
        super().__init__(scope, construct_id)
        notify = actions.SnsAction(topic)
        alarms = [
            targets.metrics.unhealthy_host_count(period=Duration.minutes(1)).create_alarm(
                self,
                "UnhealthyHosts",
                alarm_description="A host fails /healthz behind the load balancer.",
                threshold=1,
                evaluation_periods=3,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            ),
            targets.metrics.http_code_target(
                elbv2.HttpCodeTarget.TARGET_5XX_COUNT, period=FIVE_MINUTES
            ).create_alarm(
                self,
                "Host5xx",
                alarm_description="The service answered more than 10 server errors in 5 minutes.",
                threshold=10,
                evaluation_periods=1,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            ),
            balancer.metrics.http_code_elb(
                elbv2.HttpCodeElb.ELB_5XX_COUNT, period=FIVE_MINUTES
            ).create_alarm(
                self,
                "Balancer5xx",
                alarm_description="The load balancer itself answered server errors (no host?).",
                threshold=10,
                evaluation_periods=1,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            ),
            distribution.metric5xx_error_rate(period=FIVE_MINUTES).create_alarm(
                self,
                "Edge5xxRate",
                alarm_description="More than 5% of CloudFront's answers are server errors.",
                threshold=5,
                evaluation_periods=2,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            ),
            cloudwatch.Alarm(
                self,
                "AtCeiling",
                alarm_description=f"CPU above 80% for 15 minutes: up to {max_hosts} hosts do "
                "not keep up.",
                metric=cloudwatch.Metric(
                    namespace="AWS/EC2",
                    metric_name="CPUUtilization",
                    dimensions_map={"AutoScalingGroupName": group.auto_scaling_group_name},
                    statistic="Average",
                    period=FIVE_MINUTES,
                ),
                threshold=80,
                evaluation_periods=3,
            ),
        ]
        for alarm in alarms:
            alarm.add_alarm_action(notify)
