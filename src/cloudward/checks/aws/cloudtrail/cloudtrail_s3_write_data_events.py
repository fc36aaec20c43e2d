"""A logging multi-region trail records S3 object-level write events for every bucket."""

from __future__ import annotations

from cloudward.checks.aws.cloudtrail._data_events import evaluate_data_events
from cloudward.checks.model import (
    CheckMeta,
    CheckResult,
    Layer,
    Remediation,
    ServiceModel,
    Severity,
    Threat,
)
from cloudward.inventory import Inventory, Resource

meta = CheckMeta(
    id="cloudtrail_s3_write_data_events",
    title="CloudTrail records S3 object-level write events for all buckets",
    service="cloudtrail",
    resource_type="AWS::::Account",
    severity=Severity.LOW,
    layer=Layer.DETECTION,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "CIS AWS Foundations v5.0 3.8 (v7.0 4.8). Passes when a multi-region trail that is logging has a "
        "basic event selector with ReadWriteType WriteOnly or All whose DataResources include AWS::S3::Object for "
        "all buckets (the value arn:aws:s3 or arn:aws:s3:::), or an advanced event selector with eventCategory "
        "Data and resources.type AWS::S3::Object that is not narrowed by resources.ARN or eventName and does not "
        "exclude writes through readOnly. Selectors for some buckets only do not count. Trails whose "
        "selectors could not be read make the result ERROR when no other trail qualifies."
    ),
    risk=(
        "Management events do not show object access (PutObject, DeleteObject). Without data events, the "
        "exfiltration or destruction of objects by a stolen credential leaves no record to detect or investigate."
    ),
    remediation=Remediation(
        summary="Add an S3 data event selector for all buckets (WriteOnly or All) to a multi-region trail.",
        console=(
            "Open CloudTrail > Trails and choose the multi-region trail.",
            "Data events > Edit: add data event type S3, log all current and future buckets.",
            "Choose write events (or both) and save.",
        ),
        cli=(
            "aws cloudtrail put-event-selectors --trail-name TRAIL --event-selectors "
            '\'[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true, '
            '"DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]\''
        ),
        terraform=(
            'resource "aws_cloudtrail" "main" {\n'
            "  # ...\n"
            "  event_selector {\n"
            '    read_write_type           = "WriteOnly"\n'
            "    include_management_events = true\n"
            "    data_resource {\n"
            '      type   = "AWS::S3::Object"\n'
            '      values = ["arn:aws:s3"]\n'
            "    }\n"
            "  }\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=("AWS::CloudTrail::Trail.TrailStatus", "AWS::CloudTrail::Trail.EventSelectors"),
    tags=("cis",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each trail seen and why it does not record S3 write data events."""
    return evaluate_data_events(resource, inventory, "write")
