"""RDS DB instances are not publicly accessible."""

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
    id="rds_instance_not_public",
    title="RDS DB instance is not publicly accessible",
    service="rds",
    resource_type="AWS::RDS::DBInstance",
    severity=Severity.CRITICAL,
    layer=Layer.NETWORK,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Passes when the instance's PubliclyAccessible is false; fails when it is true, whatever the "
        "security groups and subnet route tables say (as Security Hub RDS.2 and CIS do): a public endpoint "
        "is one security-group edit away from the internet. Aurora cluster members are evaluated per "
        "instance, since the setting is per instance. The reason names the endpoint and its security groups."
    ),
    risk=(
        "A publicly accessible instance gets a DNS name that resolves to a public IP address. Any security "
        "group rule that admits the internet then exposes the database port to credential stuffing, "
        "engine exploits and data theft; database scanners find such endpoints within hours."
    ),
    remediation=Remediation(
        summary="Turn off public accessibility and reach the database through private networking.",
        console=(
            "Open the RDS console and choose Databases, then the instance, then Modify.",
            "Under Connectivity > Additional configuration choose 'Not publicly accessible'.",
            "Choose Continue, apply immediately (or in the next maintenance window), and save.",
        ),
        cli=("aws rds modify-db-instance --db-instance-identifier DB_ID --no-publicly-accessible --apply-immediately"),
        terraform=('resource "aws_db_instance" "this" {\n  # ...\n  publicly_accessible = false\n}'),
    ),
    references=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-2",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when PubliclyAccessible is true, naming the endpoint and security groups."""
    configuration = resource.configuration or {}
    if "PubliclyAccessible" not in configuration:
        raise UnknownAttributeError("PubliclyAccessible", "absent from DescribeDBInstances output")
    if configuration["PubliclyAccessible"] is not True:
        return CheckResult.passed("PubliclyAccessible=false")
    endpoint = configuration.get("Endpoint") or {}
    address = endpoint.get("Address")
    where = f" (endpoint {address}:{endpoint.get('Port')})" if address else ""
    groups = [
        str(group.get("VpcSecurityGroupId"))
        for group in configuration.get("VpcSecurityGroups") or []
        if group.get("VpcSecurityGroupId")
    ]
    guarded = f"; security groups {', '.join(groups)}" if groups else ""
    return CheckResult.failed(f"PubliclyAccessible=true{where}{guarded}")
