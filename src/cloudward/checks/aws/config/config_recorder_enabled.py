"""Every region has an AWS Config recorder that is recording all supported resource types."""

from __future__ import annotations

from typing import Any

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
    id="config_recorder_enabled",
    title="AWS Config records all supported resource types in the region",
    service="config",
    resource_type="AWS::::Region",
    severity=Severity.MEDIUM,
    layer=Layer.DETECTION,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Evaluated per region. Passes when at least one configuration recorder in the region (1) has a "
        "status entry with recording=true, (2) whose lastStatus is not Failure (Pending and Success both "
        "pass: Pending is a recorder that has just started and not yet delivered), and (3) has "
        "recordingGroup.allSupported=true. A region with no recorder fails. Recorders that record an "
        "explicit list of types or exclude types fail, as do service-linked recorders (which only record "
        "what their service needs). includeGlobalResourceTypes is not required in every region: AWS "
        "recommends recording global IAM types in one region only, so this is stricter than nothing and "
        "looser than the CIS audit text, which asks for it everywhere."
    ),
    risk=(
        "Without a recorder there is no configuration history: after an incident nobody can tell which "
        "security group, bucket policy or IAM role was changed, when, and what it looked like before, and "
        "Config rules and Security Hub controls that depend on recorded items stop evaluating."
    ),
    remediation=Remediation(
        summary=("Create (or fix) the region's configuration recorder to record all supported types, and start it."),
        console=(
            "Open the AWS Config console in the region and choose Settings (or Get started).",
            "Under Recording strategy choose 'All resource types with customizable overrides' and no exclusions.",
            "Choose an IAM role and a delivery channel (S3 bucket), save, and make sure the recorder shows "
            "'Recording is on'.",
        ),
        cli=(
            "aws configservice put-configuration-recorder --configuration-recorder "
            "name=default,roleARN=ROLE_ARN --recording-group allSupported=true && "
            "aws configservice put-delivery-channel --delivery-channel name=default,s3BucketName=BUCKET && "
            "aws configservice start-configuration-recorder --configuration-recorder-name default"
        ),
        terraform=(
            'resource "aws_config_configuration_recorder" "this" {\n'
            '  name     = "default"\n'
            "  role_arn = aws_iam_role.config.arn\n"
            "  recording_group {\n"
            "    all_supported = true\n"
            "  }\n"
            "}\n\n"
            'resource "aws_config_configuration_recorder_status" "this" {\n'
            "  name       = aws_config_configuration_recorder.this.name\n"
            "  is_enabled = true\n"
            "  depends_on = [aws_config_delivery_channel.this]\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/config/latest/developerguide/select-resources.html",
        "https://docs.aws.amazon.com/config/latest/APIReference/API_ConfigurationRecorderStatus.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/config-controls.html#config-1",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=("ConfigurationRecorders", "ConfigurationRecorderStatus"),
)


def _recording_group_problem(recorder: dict[str, Any]) -> str | None:
    group = recorder.get("recordingGroup") or {}
    if group.get("allSupported") is True:
        return None
    strategy = (group.get("recordingStrategy") or {}).get("useOnly")
    excluded = (group.get("exclusionByResourceTypes") or {}).get("resourceTypes") or []
    included = group.get("resourceTypes") or []
    if excluded:
        detail = f"excludes {', '.join(excluded)}"
    elif included:
        detail = f"records only {len(included)} type(s): {', '.join(included[:5])}"
        if len(included) > 5:
            detail += ", ..."
    else:
        detail = "records no resource types"
    if strategy:
        detail = f"useOnly={strategy}, {detail}"
    return f"recordingGroup.allSupported=false ({detail})"


def _status_problems(status: dict[str, Any] | None) -> list[str]:
    if status is None:
        return ["no recorder status reported"]
    problems = []
    if status.get("recording") is not True:
        problems.append("recording=false")
    last = str(status.get("lastStatus") or "")
    if last.upper() == "FAILURE":
        code = status.get("lastErrorCode")
        problems.append(f"lastStatus={last}" + (f" ({code})" if code else ""))
    return problems


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS when one recorder qualifies; FAIL naming each recorder's missing parts (or no recorder)."""
    recorders: list[dict[str, Any]] = resource.supplement("ConfigurationRecorders") or []
    statuses: list[dict[str, Any]] = resource.supplement("ConfigurationRecorderStatus") or []
    if not recorders:
        return CheckResult.failed(f"no configuration recorder in {resource.region}")
    by_name = {status.get("name"): status for status in statuses}
    problems: list[str] = []
    for recorder in recorders:
        name = recorder.get("name") or "(unnamed)"
        status = by_name.get(recorder.get("name"))
        missing = _status_problems(status)
        group_problem = _recording_group_problem(recorder)
        if group_problem:
            missing.append(group_problem)
        if not missing:
            last = (status or {}).get("lastStatus") or "unknown"
            return CheckResult.passed(
                f"recorder {name}: recording=true, lastStatus={last}, recordingGroup.allSupported=true"
            )
        problems.append(f"recorder {name}: {', '.join(missing)}")
    return CheckResult.failed("; ".join(problems))
