"""The account has at least one multi-region CloudTrail trail that is logging."""

from __future__ import annotations

from cloudward.checks.model import (
    CheckMeta,
    CheckResult,
    Layer,
    Remediation,
    ServiceModel,
    Severity,
    Threat,
)
from cloudward.inventory import Inventory, Resource, UnknownAttributeError

TRAIL = "AWS::CloudTrail::Trail"

meta = CheckMeta(
    id="cloudtrail_multi_region_enabled",
    title="CloudTrail has a multi-region trail that is logging",
    service="cloudtrail",
    resource_type="AWS::::Account",
    severity=Severity.HIGH,
    layer=Layer.DETECTION,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Passes when at least one trail visible in the account has IsMultiRegionTrail=true and its "
        "GetTrailStatus reports IsLogging=true. Organization trails count like any other trail. Trails are "
        "read region by region (each trail is listed in its home region only): a qualifying trail found in "
        "a readable region passes even if another region's listing failed, but when none is found and some "
        "region's trails or a multi-region trail's status could not be read, the result is ERROR, never "
        "FAIL or PASS. Event selectors are not evaluated: a multi-region trail that logs is taken to record "
        "management events (CIS additionally asks for IncludeManagementEvents=true, ReadWriteType=All)."
    ),
    risk=(
        "Without a logging multi-region trail, API activity in regions nobody watches goes unrecorded: an "
        "attacker with stolen credentials can launch resources, create access keys or exfiltrate data in "
        "an unused region and leave no audit trail for detection or forensics."
    ),
    remediation=Remediation(
        summary="Create a multi-region trail (or convert an existing one) and start logging.",
        console=(
            "Open the CloudTrail console and choose Trails > Create trail (trails created in the console "
            "apply to all regions; an existing single-region trail is converted with the CLI command below).",
            "Choose a storage location, turn on log file validation and SSE-KMS, and create the trail.",
            "On the trail page, choose Start logging if logging is stopped.",
        ),
        cli=(
            "aws cloudtrail create-trail --name TRAIL --s3-bucket-name BUCKET --is-multi-region-trail "
            "--enable-log-file-validation --kms-key-id KEY_ARN && aws cloudtrail start-logging --name TRAIL "
            "(or, for an existing trail: aws cloudtrail update-trail --name TRAIL --is-multi-region-trail)"
        ),
        terraform=(
            'resource "aws_cloudtrail" "this" {\n'
            '  name                          = "account-trail"\n'
            "  s3_bucket_name                = aws_s3_bucket.trail.id\n"
            "  is_multi_region_trail         = true\n"
            "  include_global_service_events = true\n"
            "  enable_logging                = true\n"
            "  enable_log_file_validation    = true\n"
            "  kms_key_id                    = aws_kms_key.trail.arn\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-1",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=("AWS::CloudTrail::Trail.TrailStatus",),
)


def _trail_name(trail: Resource) -> str:
    configuration = trail.configuration or {}
    return str(configuration.get("Name") or trail.name)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the qualifying trails; FAIL naming every trail seen and why it does not qualify."""
    qualifying: list[str] = []
    rejected: list[str] = []
    unreadable: list[str] = []
    seen: set[str] = set()
    for region in inventory.regions:
        try:
            trails = inventory.of_type(TRAIL, region)
        except UnknownAttributeError as exc:
            unreadable.append(f"trails in {region}: {exc.reason}")
            continue
        for trail in trails:
            if trail.arn in seen:
                continue
            seen.add(trail.arn)
            label = f"{_trail_name(trail)} ({trail.region})"
            try:
                if not (trail.configuration or {}).get("IsMultiRegionTrail"):
                    rejected.append(f"{label}: IsMultiRegionTrail=false")
                    continue
                status = trail.supplement("TrailStatus") or {}
            except UnknownAttributeError as exc:
                unreadable.append(f"{label}: {exc}")
                continue
            if status.get("IsLogging") is not True:
                rejected.append(f"{label}: multi-region but IsLogging=false")
                continue
            qualifying.append(label)
    if qualifying:
        return CheckResult.passed(f"multi-region trail logging: {', '.join(qualifying)}")
    if unreadable:
        seen_text = f" ({'; '.join(rejected)})" if rejected else ""
        raise UnknownAttributeError(
            "multi-region CloudTrail trail",
            f"no qualifying trail among those read{seen_text}; could not read {'; '.join(unreadable)}",
        )
    seen_text = "; ".join(rejected) if rejected else "no trails in any region"
    return CheckResult.failed(f"no logging multi-region trail: {seen_text}")
