"""Every VPC's default security group has no inbound and no outbound rules."""

from __future__ import annotations

from typing import Any

from cloudward.checks.aws.ec2._ingress import describe_rule, ingress_rules, sources
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
    id="vpc_default_sg_restricts_all",
    title="Default security group of every VPC restricts all traffic",
    service="vpc",
    resource_type="AWS::EC2::SecurityGroup",
    severity=Severity.MEDIUM,
    layer=Layer.NETWORK,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.IAAS,
    description=(
        'Applies to security groups named "default" (one per VPC; other groups are NOT_APPLICABLE). '
        "Passes when the group has no ingress rules (IpPermissions) and no egress rules "
        "(IpPermissionsEgress), as CIS AWS Foundations requires. AWS creates every default group with an "
        "all-traffic ingress rule from the group itself and an all-traffic egress rule to 0.0.0.0/0, so "
        "an untouched default group fails. Any rule fails, whatever its source or destination. A "
        "configuration without either rule list is ERROR."
    ),
    risk=(
        "Resources launched without an explicit group land in the default group; with its default rules "
        "they can all reach each other and the internet, so one compromised instance reaches its "
        "neighbours and can send data out."
    ),
    remediation=Remediation(
        summary=(
            "Remove every inbound and outbound rule from each VPC's default security group, and give "
            "resources purpose-built groups instead."
        ),
        console=(
            "Open the VPC console > Security groups and filter on the group name 'default'.",
            "For each: Inbound rules > Edit inbound rules > delete all rules > Save.",
            "Outbound rules > Edit outbound rules > delete all rules > Save.",
        ),
        cli=(
            "aws ec2 revoke-security-group-ingress --group-id DEFAULT_GROUP_ID --ip-permissions "
            "'IpProtocol=-1,UserIdGroupPairs=[{GroupId=DEFAULT_GROUP_ID}]'\n"
            "aws ec2 revoke-security-group-egress --group-id DEFAULT_GROUP_ID --ip-permissions "
            "'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]'"
        ),
        terraform=(
            "# With no ingress or egress blocks, Terraform removes every rule of the default group.\n"
            'resource "aws_default_security_group" "default" {\n'
            "  vpc_id = aws_vpc.this.id\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
)


def _describe(direction: str, preposition: str, rules: list[Any]) -> list[str]:
    return [
        f"{direction} {describe_rule(rule)} {preposition} {', '.join(sources(rule)) or 'no source'}" for rule in rules
    ]


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming every rule of a default group."""
    configuration = resource.configuration or {}
    name = configuration.get("GroupName", resource.name)
    if name != "default":
        return CheckResult.not_applicable(f"security group {name!r} is not a VPC default group")
    ingress = ingress_rules(resource)
    if "IpPermissionsEgress" not in configuration:
        raise UnknownAttributeError("IpPermissionsEgress", "absent from the security group's configuration")
    egress = list(configuration["IpPermissionsEgress"] or [])
    rules = _describe("ingress", "from", ingress) + _describe("egress", "to", egress)
    if rules:
        return CheckResult.failed(
            f"default group of {configuration.get('VpcId', 'its VPC')} has rules: " + "; ".join(rules)
        )
    return CheckResult.passed("default security group has no ingress and no egress rules")
