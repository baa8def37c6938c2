"""Someone sees when gifsvc is down: CloudWatch alarms on the instance's status checks and on
the health probe's metric, sent to an SNS topic (an e-mail subscription when context asks)."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

MINUTE = Duration.minutes(1)
# Status checks are 1-minute metrics at no charge; three bad minutes in a row raise the alarm.
EVALUATION_MINUTES = 3


class Alarms(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        instance_id: str,
        healthy: cloudwatch.Metric,
        alarm_email: str | None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.topic = sns.Topic(self, "Topic", display_name="gifsvc alarms", enforce_ssl=True)
        if alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
        notify = actions.SnsAction(self.topic)
        self.health = self._alarm(
            "Health",
            healthy.with_(statistic="Minimum", period=MINUTE),
            "gifsvc: /healthz did not answer 200 through nginx (or the probe stopped reporting)",
            comparison=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            missing=cloudwatch.TreatMissingData.BREACHING,
        )
        self.status = self._alarm(
            "StatusCheck",
            self._ec2_metric("StatusCheckFailed", instance_id),
            "gifsvc: the instance fails its EC2 status checks",
        )
        # A failed system check (the hardware under it) is what EC2's recover action repairs.
        self.recover = self._alarm(
            "SystemCheck",
            self._ec2_metric("StatusCheckFailed_System", instance_id),
            "gifsvc: the host under the instance fails; EC2 recovers the instance onto another",
        )
        self.recover.add_alarm_action(actions.Ec2Action(actions.Ec2InstanceAction.RECOVER))
        for alarm in (self.health, self.status, self.recover):
            alarm.add_alarm_action(notify)
            alarm.add_ok_action(notify)

    def _alarm(
        self,
        name: str,
        metric: cloudwatch.IMetric,
        description: str,
        *,
        comparison: cloudwatch.ComparisonOperator = (
            cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
        ),
        missing: cloudwatch.TreatMissingData = cloudwatch.TreatMissingData.MISSING,
    ) -> cloudwatch.Alarm:
        return cloudwatch.Alarm(
            self,
            name,
            metric=metric,
            threshold=1,
            comparison_operator=comparison,
            evaluation_periods=EVALUATION_MINUTES,
            treat_missing_data=missing,
            alarm_description=description,
        )

    @staticmethod
    def _ec2_metric(name: str, instance_id: str) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace="AWS/EC2",
            metric_name=name,
            dimensions_map={"InstanceId": instance_id},
            statistic="Maximum",
            period=MINUTE,
        )
