"""No security group admits common database and data-store ports from the whole internet."""

from __future__ import annotations

from cloudward.checks.aws.ec2._ingress import port_check
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

PORTS = {
    3306: "MySQL/MariaDB",
    5432: "PostgreSQL",
    1433: "SQL Server",
    1521: "Oracle",
    27017: "MongoDB",
    6379: "Redis",
    9200: "Elasticsearch/OpenSearch",
    5439: "Redshift",
}

meta = CheckMeta(
    id="ec2_sg_no_db_ports_from_internet",
    title="Security group does not allow database ports from the internet",
    service="ec2",
    resource_type="AWS::EC2::SecurityGroup",
    severity=Severity.HIGH,
    layer=Layer.NETWORK,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.IAAS,
    description=(
        "Fails when an ingress rule admits any of TCP 3306 (MySQL/MariaDB), 5432 (PostgreSQL), "
        "1433 (SQL Server), 1521 (Oracle), 27017 (MongoDB), 6379 (Redis), 9200 (Elasticsearch/OpenSearch) "
        "or 5439 (Redshift) from 0.0.0.0/0 or ::/0. A tcp rule whose FromPort-ToPort range includes the "
        "port counts, as does protocol -1, so a group that opens everything also fails here (and in "
        "ec2_sg_no_all_traffic_from_internet). Prefix lists and security group references are not "
        "treated as the internet. Every group is evaluated, attached or not."
    ),
    risk=(
        "Data stores reachable from the internet are found by scanners within minutes; default or weak "
        "credentials, unauthenticated Redis/Elasticsearch/MongoDB and unpatched engines lead to data "
        "theft, ransom notes in place of tables, or code execution on the host."
    ),
    remediation=Remediation(
        summary=(
            "Remove the rule, or allow the port only from the application's security group or private "
            "ranges; reach databases from outside through a bastion, VPN or Session Manager port forwarding."
        ),
        console=(
            "Open the EC2 console > Network & Security > Security Groups and choose the group.",
            "Inbound rules > Edit inbound rules.",
            "Change the source of the database port rule to the application security group, or delete it.",
        ),
        cli=(
            "aws ec2 revoke-security-group-ingress --group-id GROUP_ID --protocol tcp --port 5432 "
            "--cidr 0.0.0.0/0\n"
            "aws ec2 authorize-security-group-ingress --group-id GROUP_ID --protocol tcp --port 5432 "
            "--source-group APP_GROUP_ID"
        ),
        terraform=(
            'resource "aws_vpc_security_group_ingress_rule" "postgres" {\n'
            "  security_group_id            = aws_security_group.db.id\n"
            '  ip_protocol                  = "tcp"\n'
            "  from_port                    = 5432\n"
            "  to_port                      = 5432\n"
            "  referenced_security_group_id = aws_security_group.app.id\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.RDSSecurityGroups.html",
    ),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each database port, internet range and rule that admits it."""
    return port_check(resource, PORTS)
