"""No instance has a public IPv4 address."""

from __future__ import annotations

from typing import Any

from cloudward.checks.aws.ec2._instance import GONE_STATES
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

STOPPED_STATES = ("stopping", "stopped")

meta = CheckMeta(
    id="ec2_instance_no_public_ip",
    title="EC2 instance has no public IPv4 address",
    service="ec2",
    resource_type="AWS::EC2::Instance",
    severity=Severity.MEDIUM,
    layer=Layer.NETWORK,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.IAAS,
    description=(
        "Fails when the instance has a public IPv4 address: PublicIpAddress, or an Association.PublicIp "
        "on any of its network interfaces or their secondary private addresses (auto-assigned or "
        "Elastic IP). Running and pending instances without one pass. Stopped and stopping instances "
        "fail when an address is still associated (an Elastic IP stays with a stopped instance) and are "
        "otherwise NOT_APPLICABLE: AWS releases auto-assigned addresses on stop and assigns a new one "
        "on start, which a stopped instance's description cannot show. Shutting-down and terminated "
        "instances are NOT_APPLICABLE, and a description without State is ERROR. IPv6 addresses are "
        "not counted (their reachability depends on "
        "routes and security groups, which the security group checks cover). A public address is not "
        "by itself an exposure; security groups decide what is reachable."
    ),
    risk=(
        "An instance with a public address is one security group rule away from the internet; it is "
        "scanned constantly, and any service a rule opens, now or later, is exposed directly instead of "
        "through a load balancer or a private path."
    ),
    remediation=Remediation(
        summary=(
            "Place the instance in a private subnet behind a load balancer or NAT gateway, disassociate "
            "Elastic IPs, and turn off auto-assignment of public addresses on the subnet."
        ),
        console=(
            "For an Elastic IP: EC2 console > Elastic IPs > select the address > Actions > Disassociate.",
            "For an auto-assigned address: launch a replacement in a private subnet (auto-assigned "
            "addresses cannot be removed from a running instance's primary interface).",
            "VPC console > Subnets > Actions > Edit subnet settings > clear 'Enable auto-assign public IPv4 address'.",
        ),
        cli=(
            "aws ec2 disassociate-address --association-id ASSOCIATION_ID\n"
            "aws ec2 modify-subnet-attribute --subnet-id SUBNET_ID --no-map-public-ip-on-launch"
        ),
        terraform=(
            'resource "aws_instance" "this" {\n'
            "  # ...\n"
            "  subnet_id                   = aws_subnet.private.id\n"
            "  associate_public_ip_address = false\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html",
    ),
)


def public_addresses(instance: Any) -> list[str]:
    """Every public IPv4 address of the instance, primary first, without duplicates."""
    found: list[str] = []
    candidates: list[Any] = [instance.get("PublicIpAddress")]
    for interface in instance.get("NetworkInterfaces") or []:
        candidates.append((interface.get("Association") or {}).get("PublicIp"))
        candidates.extend(
            (address.get("Association") or {}).get("PublicIp") for address in interface.get("PrivateIpAddresses") or []
        )
    for address in candidates:
        if address and str(address) not in found:
            found.append(str(address))
    return found


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each public IPv4 address."""
    configuration = resource.configuration or {}
    state = (configuration.get("State") or {}).get("Name")
    if not state:
        raise UnknownAttributeError("State", "absent from the instance's configuration")
    if state in GONE_STATES:
        return CheckResult.not_applicable(f"instance is {state}")
    addresses = public_addresses(configuration)
    if addresses:
        return CheckResult.failed(f"{state} instance has public IPv4 address {', '.join(addresses)}")
    if state in STOPPED_STATES:
        return CheckResult.not_applicable(
            f"instance is {state} with no public address now; an auto-assigned one would appear on start"
        )
    return CheckResult.passed(f"{state} instance has no public IPv4 address")
