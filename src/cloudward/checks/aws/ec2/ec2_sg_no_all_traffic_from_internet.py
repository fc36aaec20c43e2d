"""No security group admits all traffic (every protocol, or every TCP port) from the whole internet."""

from __future__ import annotations

from cloudward.checks.aws.ec2._ingress import covers_all_ports, describe_rule, ingress_rules, internet_sources
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
    id="ec2_sg_no_all_traffic_from_internet",
    title="Security group does not allow all traffic from the internet",
    service="ec2",
    resource_type="AWS::EC2::SecurityGroup",
    severity=Severity.CRITICAL,
    layer=Layer.NETWORK,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.IAAS,
    description=(
        "Fails when an ingress rule with protocol -1 (all traffic), or with protocol tcp covering every "
        "usable port (FromPort <= 1 and ToPort = 65535; port 0 is reserved), admits 0.0.0.0/0 "
        "(IpRanges CidrIp) or ::/0 (Ipv6Ranges CidrIpv6). A UDP-only full range is not counted here. "
        "Prefix lists and security group references are not treated as the internet. Every group is "
        "evaluated, attached or not."
    ),
    risk=(
        "Every listening service on every attached instance, including ones never meant to be "
        "reachable (databases, admin consoles, debug ports), is exposed to internet-wide scanning and "
        "exploitation."
    ),
    remediation=Remediation(
        summary="Replace the rule with rules for the specific ports and sources the workload needs.",
        console=(
            "Open the EC2 console > Network & Security > Security Groups and choose the group.",
            "Inbound rules > Edit inbound rules.",
            "Delete the 'All traffic' or 'All TCP' rule from 0.0.0.0/0 or ::/0 and add narrow rules.",
        ),
        cli=(
            "aws ec2 revoke-security-group-ingress --group-id GROUP_ID --ip-permissions "
            "'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]' 'IpProtocol=-1,Ipv6Ranges=[{CidrIpv6=::/0}]'"
        ),
        terraform=(
            'resource "aws_vpc_security_group_ingress_rule" "https" {\n'
            "  security_group_id = aws_security_group.this.id\n"
            '  ip_protocol       = "tcp"\n'
            "  from_port         = 443\n"
            "  to_port           = 443\n"
            '  cidr_ipv4         = "0.0.0.0/0" # only the port the service needs\n'
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html",
    ),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each all-traffic rule and the internet range it admits."""
    found = [
        f"{describe_rule(rule)} open to {source}"
        for rule in ingress_rules(resource)
        if covers_all_ports(rule)
        for source in internet_sources(rule)
    ]
    if found:
        return CheckResult.failed("; ".join(found))
    return CheckResult.passed("no all-traffic or all-TCP-ports ingress rule from 0.0.0.0/0 or ::/0")
