"""CIS 4.8: S3 bucket policy and ACL changes are counted by a metric filter on the trail's logs and alarmed."""

from __future__ import annotations

from cloudward.checks.aws.cloudwatch._monitoring import (
    Control,
    any_event_pattern,
    api_event,
    control_meta,
    evaluate_control,
    named_events,
)
from cloudward.checks.model import CheckResult
from cloudward.inventory import Inventory, Resource

EVENTS = (
    "PutBucketAcl",
    "PutBucketPolicy",
    "PutBucketCors",
    "PutBucketLifecycle",
    "PutBucketReplication",
    "DeleteBucketPolicy",
    "DeleteBucketCors",
    "DeleteBucketLifecycle",
    "DeleteBucketReplication",
)

CONTROL = Control(
    check_id="cloudwatch_log_metric_filter_s3_bucket_policy_changes",
    cis="4.8",
    title="S3 bucket policy changes are monitored with a metric filter and an alarm",
    subject="S3 bucket policy changes",
    metric="S3BucketPolicyChanges",
    pattern=any_event_pattern(EVENTS, source="s3.amazonaws.com"),
    matches=named_events("s3.amazonaws.com", EVENTS),
    ignores=(api_event("s3.amazonaws.com", "GetBucketPolicy"),),
    risk=(
        "One PutBucketPolicy or PutBucketAcl makes a bucket public or readable by another account; a "
        "replication rule copies every new object to a bucket the intruder owns; a lifecycle rule deletes "
        "data. An alarm catches the change before the data is gone."
    ),
)

meta = control_meta(CONTROL)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the trail, metric filter and alarm; FAIL naming what each trail lacks."""
    return evaluate_control(CONTROL, resource, inventory)
