"""No network ACL lets SSH (22) or RDP (3389) in from the whole internet."""

from __future__ import annotations

from cloudward.checks.aws.ec2._nacl import ingress_entries, internet_verdicts
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

PORTS = {22: "SSH", 3389: "RDP"}

meta = CheckMeta(
    id="ec2_nacl_no_admin_ports_from_internet",
    title="Network ACL does not allow SSH or RDP from the internet",
    service="ec2",
    resource_type="AWS::EC2::NetworkAcl",
    severity=Severity.MEDIUM,
    layer=Layer.NETWORK,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.IAAS,
    description=(
        "CIS AWS Foundations v5.0 5.2 (Ensure no Network ACLs allow ingress from 0.0.0.0/0 to remote server "
        "administration ports). Fails when TCP traffic from 0.0.0.0/0 or ::/0 to port 22 or 3389 is allowed "
        "by the NACL's inbound entries (Egress entries are ignored). Entries are evaluated as AWS evaluates "
        "them: in ascending RuleNumber, the first entry matching the traffic decides. An entry matches when "
        "its Protocol is -1 (all traffic) or 6 (tcp) with a PortRange including the port (so tcp 0-65535 "
        "counts; udp and icmp entries never match). An allow entry for 0.0.0.0/0 (CidrBlock) or ::/0 "
        "(Ipv6CidrBlock) fails the check unless lower-numbered matching entries have already decided the "
        "whole address space: a deny for 0.0.0.0/0 at a lower number shadows it, a deny for a narrower "
        "range does not (the rest of the internet still gets in). IPv4 and IPv6 entries are evaluated "
        "separately. Allow entries for ranges narrower than /0 are not treated as the internet. Default "
        "NACLs are evaluated like any other (AWS's default NACL allows all inbound traffic, so it fails), "
        "and so are NACLs not associated with any subnet: they can be associated at any time."
    ),
    risk=(
        "A NACL is the subnet-wide second layer behind security groups. When it admits SSH or RDP from "
        "anywhere, a single security group mistake exposes the administration ports of every instance in "
        "the subnet to internet-wide brute force and exploit scanning."
    ),
    remediation=Remediation(
        summary=(
            "Add inbound deny entries for TCP 22 and 3389 from 0.0.0.0/0 and ::/0 numbered below the allow "
            "entries, or narrow the allow entries to known administrative ranges."
        ),
        console=(
            "Open the VPC console > Security > Network ACLs and choose the network ACL.",
            "Inbound rules > Edit inbound rules.",
            "Add rules with a lower rule number than the broad allow rule: Type SSH (22), Source 0.0.0.0/0, "
            "Deny; Type RDP (3389), Source 0.0.0.0/0, Deny (and the same for ::/0 if IPv6 is allowed).",
            "Or replace the allow rule's source with a known administrative range, then save.",
        ),
        cli=(
            "aws ec2 create-network-acl-entry --network-acl-id ACL_ID --ingress --rule-number 50 "
            "--protocol tcp --port-range From=22,To=22 --cidr-block 0.0.0.0/0 --rule-action deny\n"
            "aws ec2 create-network-acl-entry --network-acl-id ACL_ID --ingress --rule-number 51 "
            "--protocol tcp --port-range From=3389,To=3389 --cidr-block 0.0.0.0/0 --rule-action deny"
        ),
        terraform=(
            'resource "aws_network_acl_rule" "deny_ssh" {\n'
            "  network_acl_id = aws_network_acl.this.id\n"
            "  rule_number    = 50\n"
            "  egress         = false\n"
            '  protocol       = "tcp"\n'
            '  rule_action    = "deny"\n'
            '  cidr_block     = "0.0.0.0/0"\n'
            "  from_port      = 22\n"
            "  to_port        = 22\n"
            "}\n"
            "# and the same for port 3389"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html",
        "https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    tags=("cis",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each admin port, internet range and the allow entry that admits it."""
    verdicts = internet_verdicts(ingress_entries(resource), PORTS)
    default = "the VPC's default network ACL: " if (resource.configuration or {}).get("IsDefault") else ""
    grouped: dict[tuple[str, str], list[str]] = {}
    for verdict in verdicts:
        if verdict.exposed_by is not None:
            key = (verdict.source, verdict.exposed_by.label)
            grouped.setdefault(key, []).append(f"{verdict.port} ({PORTS[verdict.port]})")
    if grouped:
        return CheckResult.failed(
            default
            + "; ".join(
                f"{'port' if len(ports) == 1 else 'ports'} {', '.join(ports)} open to {source} by inbound {label}"
                for (source, label), ports in grouped.items()
            )
        )
    shadowed = [
        f"{verdict.source} to {verdict.port} ({PORTS[verdict.port]}): "
        f"{', '.join(entry.label for entry in verdict.shadowed)} overridden by lower "
        f"{', '.join(entry.label for entry in verdict.decided_by)}"
        for verdict in verdicts
        if verdict.shadowed
    ]
    suffix = f"; {'; '.join(shadowed)}" if shadowed else ""
    return CheckResult.passed(f"{default}no inbound entry admits TCP 22 or 3389 from 0.0.0.0/0 or ::/0{suffix}")
