"""RDS DB instances have deletion protection turned on."""

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
    id="rds_instance_deletion_protection",
    title="RDS DB instance has deletion protection enabled",
    service="rds",
    resource_type="AWS::RDS::DBInstance",
    severity=Severity.LOW,
    layer=Layer.RESPONSE,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Passes when the instance's DeletionProtection is true. NOT_APPLICABLE for members of an Aurora "
        "or Multi-AZ DB cluster (DBClusterIdentifier set): for them deletion protection is a cluster "
        "setting and the instance field does not reflect it. Read replicas are evaluated like any instance."
    ),
    risk=(
        "Without deletion protection a single DeleteDBInstance call, from a stolen credential, a careless "
        "script or a Terraform destroy, removes the database; with SkipFinalSnapshot nothing is left."
    ),
    remediation=Remediation(
        summary="Turn on deletion protection for the instance.",
        console=(
            "Open the RDS console and choose Databases, then the instance, then Modify.",
            "Under Additional configuration select 'Enable deletion protection'.",
            "Choose Continue, apply immediately, and save.",
        ),
        cli=("aws rds modify-db-instance --db-instance-identifier DB_ID --deletion-protection --apply-immediately"),
        terraform=('resource "aws_db_instance" "this" {\n  # ...\n  deletion_protection = true\n}'),
    ),
    references=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html#USER_DeletionProtection",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-8",
    ),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when DeletionProtection is not true; N/A for cluster members."""
    configuration = resource.configuration or {}
    cluster = configuration.get("DBClusterIdentifier")
    if cluster:
        return CheckResult.not_applicable(f"member of DB cluster {cluster}: deletion protection is set on the cluster")
    if "DeletionProtection" not in configuration:
        raise UnknownAttributeError("DeletionProtection", "absent from DescribeDBInstances output")
    if configuration["DeletionProtection"] is True:
        return CheckResult.passed("DeletionProtection=true")
    return CheckResult.failed("DeletionProtection=false")
