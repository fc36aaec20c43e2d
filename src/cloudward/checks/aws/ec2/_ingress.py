"""Security group rule matching shared by the ingress checks: which rules open which ports to the internet.

A rule is one ``IpPermissions`` item of DescribeSecurityGroups. It is open to the internet when one of
its ``IpRanges`` has ``CidrIp`` 0.0.0.0/0 or one of its ``Ipv6Ranges`` has ``CidrIpv6`` ::/0 (any
network of prefix length 0). Prefix lists and security group references are never counted as the
internet. Protocol ``-1`` (all traffic) covers every port of every protocol; ``tcp`` and ``udp`` rules
cover ``FromPort``-``ToPort``; other protocols have no ports.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cloudward.checks.model import CheckResult
from cloudward.inventory import Resource, UnknownAttributeError

ALL_PROTOCOLS = "-1"
PROTOCOL_NAMES = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
HIGHEST_PORT = 65535


@dataclass(frozen=True, slots=True)
class Exposure:
    """One port reachable from one internet range through one rule."""

    port: int
    service: str
    source: str
    rule: str


def protocol(rule: Mapping[str, Any]) -> str:
    """The rule's protocol as ``-1``, ``tcp``, ``udp``, ``icmp``, ``icmpv6`` or a protocol number."""
    raw = str(rule.get("IpProtocol", "")).strip().lower()
    return PROTOCOL_NAMES.get(raw, raw)


def describe_rule(rule: Mapping[str, Any]) -> str:
    """A rule as a short label: ``tcp 22``, ``tcp 0-65535``, ``all traffic (protocol -1)``."""
    name = protocol(rule)
    if name == ALL_PROTOCOLS:
        return "all traffic (protocol -1)"
    low, high = rule.get("FromPort"), rule.get("ToPort")
    if low is None or name not in ("tcp", "udp"):
        return name if low is None else f"{name} {low}/{high}"
    return f"{name} {low}" if low == high else f"{name} {low}-{high}"


@functools.lru_cache(maxsize=4096)
def _is_everywhere(cidr: str) -> bool:
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def internet_sources(rule: Mapping[str, Any]) -> list[str]:
    """The internet-wide ranges (0.0.0.0/0, ::/0) a rule admits traffic from."""
    ipv4 = [str(r.get("CidrIp")) for r in rule.get("IpRanges") or []]
    ipv6 = [str(r.get("CidrIpv6")) for r in rule.get("Ipv6Ranges") or []]
    return [cidr for cidr in ipv4 + ipv6 if _is_everywhere(cidr)]


def sources(rule: Mapping[str, Any]) -> list[str]:
    """Every source (or destination, for egress) a rule names: CIDRs, prefix lists and groups."""
    found = [str(r.get("CidrIp")) for r in rule.get("IpRanges") or []]
    found += [str(r.get("CidrIpv6")) for r in rule.get("Ipv6Ranges") or []]
    found += [str(r.get("PrefixListId")) for r in rule.get("PrefixListIds") or []]
    found += [str(r.get("GroupId")) for r in rule.get("UserIdGroupPairs") or []]
    return found


def covers_port(rule: Mapping[str, Any], port: int, protocols: Iterable[str] = ("tcp",)) -> bool:
    """Whether the rule admits ``port`` over one of ``protocols`` (protocol -1 admits everything)."""
    name = protocol(rule)
    if name == ALL_PROTOCOLS:
        return True
    if name not in protocols:
        return False
    low, high = rule.get("FromPort"), rule.get("ToPort")
    if low is None or high is None:
        return True
    return int(low) <= port <= int(high)


def covers_all_ports(rule: Mapping[str, Any]) -> bool:
    """Protocol -1, or tcp over every usable port (1-65535; port 0 is reserved)."""
    if protocol(rule) == ALL_PROTOCOLS:
        return True
    return covers_port(rule, 1) and covers_port(rule, HIGHEST_PORT)


def ingress_rules(resource: Resource) -> list[Mapping[str, Any]]:
    """The group's ingress rules; a configuration without ``IpPermissions`` is unknown, never empty."""
    configuration = resource.configuration or {}
    if "IpPermissions" not in configuration:
        raise UnknownAttributeError("IpPermissions", "absent from the security group's configuration")
    return list(configuration["IpPermissions"] or [])


def exposures(resource: Resource, ports: Mapping[int, str], protocols: Iterable[str] = ("tcp",)) -> list[Exposure]:
    """Every (port, internet range, rule) through which one of ``ports`` is reachable from anywhere."""
    wanted = tuple(protocols)
    found: list[Exposure] = []
    for rule in ingress_rules(resource):
        sources = internet_sources(rule)
        if not sources:
            continue
        label = describe_rule(rule)
        for port, service in ports.items():
            if covers_port(rule, port, wanted):
                found.extend(Exposure(port, service, source, label) for source in sources)
    return found


def port_check(resource: Resource, ports: Mapping[int, str]) -> CheckResult:
    """FAIL naming, per rule and internet range, the ports of ``ports`` it exposes; else PASS."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for exposure in exposures(resource, ports):
        grouped.setdefault((exposure.rule, exposure.source), []).append(f"{exposure.port} ({exposure.service})")
    if grouped:
        return CheckResult.failed(
            "; ".join(
                f"{'port' if len(found) == 1 else 'ports'} {', '.join(found)} open to {source} in rule {rule}"
                for (rule, source), found in grouped.items()
            )
        )
    if len(ports) == 1:
        port, service = next(iter(ports.items()))
        return CheckResult.passed(f"no ingress rule opens port {port} ({service}) to 0.0.0.0/0 or ::/0")
    return CheckResult.passed(f"no ingress rule opens ports {', '.join(map(str, ports))} to 0.0.0.0/0 or ::/0")
