"""No security group admits SSH (22) from the whole internet."""

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

PORTS = {22: "SSH"}

meta = CheckMeta(
    id="ec2_sg_no_ssh_from_internet",
    title="Security group does not allow SSH (port 22) from the internet",
    service="ec2",
    resource_type="AWS::EC2::SecurityGroup",
    severity=Severity.HIGH,
    layer=Layer.NETWORK,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.IAAS,
    description=(
        "Fails when an ingress rule admits TCP port 22 from 0.0.0.0/0 (IpRanges CidrIp) or ::/0 "
        "(Ipv6Ranges CidrIpv6). A rule counts when its protocol is tcp (or 6) and its FromPort-ToPort "
        "range includes 22 (so tcp 0-65535 counts), or when its protocol is -1 (all traffic). Narrower "
        "ranges such as 0.0.0.0/1, prefix lists and security group references are not treated as the "
        "internet. Every group is evaluated, attached to an interface or not: an unused group can be "
        "attached at any time. "
        "CIS AWS Foundations 5.2 (IPv4) and 5.3 (IPv6) cover ports 22 and 3389 together; here each port is "
        "its own check."
    ),
    risk=(
        "SSH exposed to the internet is brute-forced and scanned continuously; one weak password, "
        "leaked key or unpatched SSH vulnerability then gives an attacker a foothold inside the VPC."
    ),
    remediation=Remediation(
        summary=(
            "Remove the rule, or restrict its source to known administrative ranges; prefer Systems "
            "Manager Session Manager or EC2 Instance Connect Endpoint over an open SSH port."
        ),
        console=(
            "Open the EC2 console > Network & Security > Security Groups and choose the group.",
            "Inbound rules > Edit inbound rules.",
            "Delete the rule for port 22 from 0.0.0.0/0 or ::/0, or narrow the source to a known range.",
        ),
        cli=(
            "aws ec2 revoke-security-group-ingress --group-id GROUP_ID --protocol tcp --port 22 "
            "--cidr 0.0.0.0/0\n"
            "aws ec2 revoke-security-group-ingress --group-id GROUP_ID --ip-permissions "
            "'IpProtocol=tcp,FromPort=22,ToPort=22,Ipv6Ranges=[{CidrIpv6=::/0}]'"
        ),
        terraform=(
            'resource "aws_vpc_security_group_ingress_rule" "ssh" {\n'
            "  security_group_id = aws_security_group.this.id\n"
            '  ip_protocol       = "tcp"\n'
            "  from_port         = 22\n"
            "  to_port           = 22\n"
            '  cidr_ipv4         = "10.0.0.0/16" # a known range, never 0.0.0.0/0\n'
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each rule and internet range that admits port 22."""
    return port_check(resource, PORTS)
