"""No security group admits CIFS/SMB (445) from the whole internet."""

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

PORTS = {445: "CIFS/SMB"}

meta = CheckMeta(
    id="ec2_sg_no_cifs_from_internet",
    title="Security group does not allow CIFS/SMB (port 445) from the internet",
    service="ec2",
    resource_type="AWS::EC2::SecurityGroup",
    severity=Severity.HIGH,
    layer=Layer.NETWORK,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.IAAS,
    description=(
        "Fails when an ingress rule admits TCP port 445 (CIFS/SMB) from 0.0.0.0/0 or ::/0. A rule counts when "
        "its protocol is tcp (or 6) and its port range includes 445, or when its protocol is -1 (all "
        "traffic). Only 445 is evaluated (CIS AWS Foundations 5.1.2); NetBIOS 137-139 is out of scope. Narrower "
        "ranges, prefix lists and security group references are not treated as the internet."
    ),
    risk=(
        "SMB exposed to the internet is how ransomware worms (WannaCry, NotPetya) spread; file shares "
        "reachable from anywhere leak data and credentials (NTLM hashes) to anyone who connects."
    ),
    remediation=Remediation(
        summary="Remove the rule, or restrict its source to the private ranges that need the file share.",
        console=(
            "Open the EC2 console > Network & Security > Security Groups and choose the group.",
            "Inbound rules > Edit inbound rules.",
            "Delete the rule for port 445 from 0.0.0.0/0 or ::/0, or narrow the source to a private range.",
        ),
        cli=("aws ec2 revoke-security-group-ingress --group-id GROUP_ID --protocol tcp --port 445 --cidr 0.0.0.0/0"),
        terraform=(
            'resource "aws_vpc_security_group_ingress_rule" "smb" {\n'
            "  security_group_id = aws_security_group.this.id\n"
            '  ip_protocol       = "tcp"\n'
            "  from_port         = 445\n"
            "  to_port           = 445\n"
            '  cidr_ipv4         = "10.0.0.0/16" # a private range, never 0.0.0.0/0\n'
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
    """FAIL naming each rule and internet range that admits port 445."""
    return port_check(resource, PORTS)
