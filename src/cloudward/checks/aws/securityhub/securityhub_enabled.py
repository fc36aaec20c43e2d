"""Security Hub is enabled in every region."""

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
from cloudward.inventory import Inventory, Resource

HUB = "AWS::SecurityHub::Hub"

meta = CheckMeta(
    id="securityhub_enabled",
    title="Security Hub is enabled in the region",
    service="securityhub",
    resource_type="AWS::::Region",
    severity=Severity.MEDIUM,
    layer=Layer.POSTURE,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.SAAS,
    description=(
        "CIS AWS Foundations v5.0 4.16, evaluated per region. Passes when DescribeHub returns the region's "
        "hub, i.e. the account is subscribed to Security Hub there; fails when Security Hub answers "
        "InvalidAccessException (not subscribed). Which standards are enabled, and whether findings are "
        "aggregated to another region, are not evaluated: a subscribed hub with no standard passes. When "
        "the hub cannot be read (AccessDenied, a region that does not answer) the result is ERROR."
    ),
    risk=(
        "Without Security Hub, findings from GuardDuty, Inspector, Macie, IAM Access Analyzer and Config "
        "rules in this region are not collected or prioritized in one place, and its security controls "
        "never run: an intruder working in a region nobody enabled it in is much less likely to be seen."
    ),
    remediation=Remediation(
        summary="Enable Security Hub in the region (ideally in every region, from a delegated administrator).",
        console=(
            "Open the Security Hub console in the region.",
            "Choose Go to Security Hub (or Enable Security Hub), select the standards to enable, and confirm.",
            "In an organization, enable it from the delegated administrator with auto-enable for new accounts.",
        ),
        cli="aws securityhub enable-security-hub --enable-default-standards --region REGION",
        terraform='resource "aws_securityhub_account" "this" {\n  enable_default_standards = true\n}',
    ),
    references=(
        "https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-settingup.html",
        "https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_DescribeHub.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=(HUB,),
    tags=("cis",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the hub and when it was subscribed; FAIL when the region has none."""
    hubs = inventory.of_type(HUB, resource.region)
    if not hubs:
        return CheckResult.failed(f"Security Hub is not enabled in {resource.region} (not subscribed)")
    hub = hubs[0]
    subscribed = (hub.configuration or {}).get("SubscribedAt")
    since = f", subscribed {subscribed}" if subscribed else ""
    return CheckResult.passed(f"Security Hub is enabled in {resource.region}: {hub.arn}{since}")
