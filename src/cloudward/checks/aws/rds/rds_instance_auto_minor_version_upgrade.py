"""RDS DB instances take minor engine upgrades automatically."""

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

meta = CheckMeta(
    id="rds_instance_auto_minor_version_upgrade",
    title="RDS DB instance has auto minor version upgrade enabled",
    service="rds",
    resource_type="AWS::RDS::DBInstance",
    severity=Severity.MEDIUM,
    layer=Layer.POSTURE,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "CIS AWS Foundations v5.0 2.2.2 (Ensure the Auto Minor Version Upgrade feature is enabled for RDS "
        "instances). Passes when the instance's AutoMinorVersionUpgrade (DescribeDBInstances) is true, so "
        "RDS applies new minor engine versions, which carry the security fixes, in the maintenance window. "
        "Aurora cluster members are evaluated per instance, like any other. RDS Custom instances (engine "
        "custom-*) are NOT_APPLICABLE: RDS Custom does not support the setting. An instance description "
        "without AutoMinorVersionUpgrade is ERROR. The maintenance window and pending upgrades are not judged."
    ),
    risk=(
        "Minor engine versions fix known vulnerabilities; an instance that never takes them keeps running "
        "database software with published exploits until someone remembers to upgrade it by hand."
    ),
    remediation=Remediation(
        summary="Turn on auto minor version upgrade for the instance.",
        console=(
            "Open the RDS console > Databases and choose the instance.",
            "Modify > Maintenance: select 'Enable auto minor version upgrade'.",
            "Continue, choose when to apply the change, and modify the instance.",
        ),
        cli=(
            "aws rds modify-db-instance --db-instance-identifier DB_ID --auto-minor-version-upgrade --apply-immediately"
        ),
        terraform=('resource "aws_db_instance" "this" {\n  # ...\n  auto_minor_version_upgrade = true\n}'),
    ),
    references=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Upgrading.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    tags=("cis",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when AutoMinorVersionUpgrade is not true."""
    configuration = resource.configuration or {}
    engine = str(configuration.get("Engine") or "")
    if engine.startswith("custom-"):
        return CheckResult.not_applicable(f"RDS Custom engine {engine} does not support automatic minor upgrades")
    if "AutoMinorVersionUpgrade" not in configuration:
        raise UnknownAttributeError("AutoMinorVersionUpgrade", "absent from DescribeDBInstances output")
    version = configuration.get("EngineVersion")
    running = f" ({engine} {version})" if engine and version else ""
    if configuration["AutoMinorVersionUpgrade"] is True:
        return CheckResult.passed(f"AutoMinorVersionUpgrade=true{running}")
    return CheckResult.failed(f"AutoMinorVersionUpgrade=false{running}")
