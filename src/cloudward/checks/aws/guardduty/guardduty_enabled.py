"""GuardDuty has an enabled detector in every region."""

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

DETECTOR = "AWS::GuardDuty::Detector"

meta = CheckMeta(
    id="guardduty_enabled",
    title="GuardDuty is enabled in the region",
    service="guardduty",
    resource_type="AWS::::Region",
    severity=Severity.MEDIUM,
    layer=Layer.DETECTION,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.SAAS,
    description=(
        "Evaluated per region. Passes when the region has a GuardDuty detector whose GetDetector Status is "
        "ENABLED. A region without a detector fails, as does one whose only detector is DISABLED "
        "(suspended). Optional protection plans (S3, EKS, runtime, malware scanning) and the finding "
        "publishing frequency are not evaluated. When the detectors cannot be listed, or no detector is "
        "enabled and some detector's status cannot be read, the result is ERROR. Not a CIS AWS "
        "Foundations v5.0 recommendation; AWS Foundational Security Best Practices GuardDuty.1."
    ),
    risk=(
        "GuardDuty is the managed detector for compromised credentials and hosts: API calls from known "
        "malicious addresses, credential exfiltration from instance roles, crypto-mining, DNS "
        "exfiltration. In a region without it, an intruder using stolen keys there raises no finding at all."
    ),
    remediation=Remediation(
        summary="Create (or re-enable) the region's GuardDuty detector, ideally organization-wide.",
        console=(
            "Open the GuardDuty console in the region.",
            "Choose Get started > Enable GuardDuty (or, for a suspended detector, Settings > Enable).",
            "In an organization, enable it from the delegated administrator with auto-enable for all accounts.",
        ),
        cli=(
            "aws guardduty create-detector --enable --region REGION "
            "(suspended: aws guardduty update-detector --detector-id ID --enable)"
        ),
        terraform='resource "aws_guardduty_detector" "this" {\n  enable = true\n}',
    ),
    references=(
        "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_settingup.html",
        "https://docs.aws.amazon.com/guardduty/latest/APIReference/API_GetDetector.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/guardduty-controls.html",
    ),
    requires=("AWS::GuardDuty::Detector.Detector",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the enabled detector; FAIL naming each detector's status (or none)."""
    detectors = inventory.of_type(DETECTOR, resource.region)
    if not detectors:
        return CheckResult.failed(f"no GuardDuty detector in {resource.region}")
    statuses: list[str] = []
    unreadable: list[str] = []
    for detector in detectors:
        try:
            status = str((detector.supplement("Detector") or {}).get("Status") or "unknown")
        except UnknownAttributeError as exc:
            unreadable.append(f"detector {detector.name}: {exc.reason}")
            continue
        if status.upper() == "ENABLED":
            return CheckResult.passed(f"GuardDuty detector {detector.name} is ENABLED in {resource.region}")
        statuses.append(f"detector {detector.name}: Status={status}")
    if unreadable:
        raise UnknownAttributeError(
            "GuardDuty detector status",
            f"none enabled among those read ({'; '.join(statuses) or 'none'}); could not read {'; '.join(unreadable)}",
        )
    return CheckResult.failed(f"no enabled GuardDuty detector in {resource.region}: {'; '.join(statuses)}")
