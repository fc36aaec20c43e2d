"""CloudWatch monitoring: Logs metric filters and metric alarms, per region.

Together with a trail's CloudWatch Logs group they answer the CIS monitoring controls: does a metric
filter turn the trail's events into a metric, and does an alarm on that metric notify someone.
"""

from __future__ import annotations

from cloudward.providers.aws.spec import Context, Item, Listing, ResourceSpec, Scope

METRIC_FILTER = "AWS::Logs::MetricFilter"
ALARM = "AWS::CloudWatch::Alarm"


def metric_filter_arn(item: Item, ctx: Context) -> str:
    """A metric filter has no ARN of its own: its log group's ARN plus the filter name identifies it.

    Filter names are unique within a log group and cannot contain ``:``.
    """
    return (
        f"arn:{ctx.partition}:logs:{ctx.region}:{ctx.account_id}:log-group:{item['logGroupName']}"
        f":metric-filter:{item['filterName']}"
    )


SPECS = (
    ResourceSpec(
        type=METRIC_FILTER,
        service="logs",
        scope=Scope.REGIONAL,
        listing=Listing(
            "describe_metric_filters",
            "logs:DescribeMetricFilters",
            items=lambda page: page.get("metricFilters") or [],
        ),
        arn=metric_filter_arn,
        name=lambda item: str(item["filterName"]),
    ),
    ResourceSpec(
        type=ALARM,
        service="cloudwatch",
        scope=Scope.REGIONAL,
        listing=Listing(
            "describe_alarms",
            "cloudwatch:DescribeAlarms",
            items=lambda page: page.get("MetricAlarms") or [],
            params={"AlarmTypes": ["MetricAlarm"]},
        ),
        arn=lambda item, ctx: str(item["AlarmArn"]),
        name=lambda item: str(item["AlarmName"]),
    ),
)
