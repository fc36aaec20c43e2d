"""Network ACL evaluation: which ports a NACL's ingress rules let in from the whole internet.

A NACL is evaluated as AWS does for each packet: its inbound entries (``Egress`` false) in ascending
``RuleNumber``, the first entry that matches the packet's protocol, destination port and source address
decides (allow or deny), and nothing matched means deny (the ``*`` rule, number 32767). IPv4 entries
(``CidrBlock``) and IPv6 entries (``Ipv6CidrBlock``) are separate lists: an IPv4 deny never stops IPv6.

For one port and one address family, the internet is exposed when an allow entry for 0.0.0.0/0 (or
::/0) covering the port is reached while part of the address space is still undecided: entries with a
lower number covering the same port decide their own ranges first, so a deny for 0.0.0.0/0 at a lower
number shadows the allow completely, while a deny for a narrower range leaves the rest exposed.
Allow entries for ranges narrower than the whole internet are never counted as the internet.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from cloudward.inventory import Resource, UnknownAttributeError

Network = TypeVar("Network", ipaddress.IPv4Network, ipaddress.IPv6Network)

ALL_PROTOCOLS = "-1"
TCP = "6"
_PROTOCOL_NUMBERS = {"all": ALL_PROTOCOLS, "tcp": TCP, "udp": "17", "icmp": "1", "icmpv6": "58"}
_PROTOCOL_NAMES = {TCP: "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
IPV4_INTERNET = ipaddress.IPv4Network("0.0.0.0/0")
IPV6_INTERNET = ipaddress.IPv6Network("::/0")


@dataclass(frozen=True, slots=True)
class Entry:
    """One inbound NACL entry, parsed."""

    number: int
    allow: bool
    protocol: str
    ports: tuple[int, int] | None
    cidr: ipaddress.IPv4Network | ipaddress.IPv6Network

    def covers(self, port: int) -> bool:
        """Whether the entry matches TCP traffic to ``port`` (protocol -1 matches everything)."""
        if self.protocol == ALL_PROTOCOLS:
            return True
        if self.protocol != TCP or self.ports is None:
            return False
        return self.ports[0] <= port <= self.ports[1]

    @property
    def label(self) -> str:
        """``rule 100 (allow tcp 22)``, ``rule 90 (deny all traffic)``."""
        action = "allow" if self.allow else "deny"
        if self.protocol == ALL_PROTOCOLS:
            what = "all traffic"
        else:
            name = _PROTOCOL_NAMES.get(self.protocol, f"protocol {self.protocol}")
            if self.ports is None:
                what = name
            elif self.ports[0] == self.ports[1]:
                what = f"{name} {self.ports[0]}"
            else:
                what = f"{name} {self.ports[0]}-{self.ports[1]}"
        return f"rule {self.number} ({action} {what})"


@dataclass(frozen=True, slots=True)
class Verdict:
    """How TCP traffic from the whole internet (one address family) to one port is decided.

    ``exposed_by`` is the allow entry for 0.0.0.0/0 or ::/0 that admits it (None when it is denied);
    ``decided_by`` the lower-numbered entries that decided the whole address space first, when they did;
    ``shadowed`` the allow entries for the whole internet that those entries override.
    """

    port: int
    source: str
    exposed_by: Entry | None
    decided_by: tuple[Entry, ...] = ()
    shadowed: tuple[Entry, ...] = ()


def _protocol(raw: Any) -> str:
    text = str(raw).strip().lower()
    return _PROTOCOL_NUMBERS.get(text, text)


def _parse(raw: Mapping[str, Any]) -> Entry:
    number = raw.get("RuleNumber")
    action = str(raw.get("RuleAction", "")).lower()
    if number is None or action not in ("allow", "deny") or raw.get("Protocol") is None:
        raise UnknownAttributeError("Entries", f"inbound entry without RuleNumber, RuleAction or Protocol: {raw}")
    protocol = _protocol(raw["Protocol"])
    ports: tuple[int, int] | None = None
    port_range = raw.get("PortRange")
    if port_range:
        ports = (int(port_range["From"]), int(port_range["To"]))
    elif protocol in (TCP, "17"):
        raise UnknownAttributeError("Entries", f"rule {number}: a TCP/UDP entry without PortRange")
    cidr_text = raw.get("CidrBlock") or raw.get("Ipv6CidrBlock")
    if not cidr_text:
        raise UnknownAttributeError("Entries", f"rule {number}: neither CidrBlock nor Ipv6CidrBlock")
    try:
        cidr = ipaddress.ip_network(str(cidr_text).strip(), strict=False)
    except ValueError as exc:
        raise UnknownAttributeError("Entries", f"rule {number}: invalid CIDR {cidr_text!r}") from exc
    return Entry(int(number), action == "allow", protocol, ports, cidr)


def ingress_entries(resource: Resource) -> list[Entry]:
    """The NACL's inbound entries in evaluation order; a configuration without ``Entries`` is unknown."""
    configuration = resource.configuration or {}
    if "Entries" not in configuration:
        raise UnknownAttributeError("Entries", "absent from the network ACL's configuration")
    entries = [_parse(raw) for raw in configuration["Entries"] or [] if not raw.get("Egress")]
    return sorted(entries, key=lambda entry: entry.number)


def _subtract(remaining: list[Network], cidr: Network) -> list[Network]:
    """The address space in ``remaining`` minus ``cidr`` (CIDR blocks either nest or do not overlap)."""
    left: list[Network] = []
    for network in remaining:
        if not network.overlaps(cidr):
            left.append(network)
        elif not network.subnet_of(cidr):
            left.extend(network.address_exclude(cidr))
    return left


def _decide(entries: Iterable[tuple[Entry, Network]], internet: Network, port: int) -> Verdict:
    remaining = [internet]
    deciders: list[Entry] = []
    shadowed: list[Entry] = []
    for entry, cidr in entries:
        if not entry.covers(port):
            continue
        if not remaining:
            if entry.allow and cidr.prefixlen == 0:
                shadowed.append(entry)
            continue
        if cidr.prefixlen == 0:
            if entry.allow:
                return Verdict(port, str(internet), exposed_by=entry)
            deciders, remaining = [entry], []
            continue
        deciders.append(entry)
        remaining = _subtract(remaining, cidr)
    if remaining:  # nothing matched the rest: the implicit deny
        return Verdict(port, str(internet), exposed_by=None)
    return Verdict(port, str(internet), exposed_by=None, decided_by=tuple(deciders), shadowed=tuple(shadowed))


def internet_verdicts(entries: list[Entry], ports: Iterable[int]) -> list[Verdict]:
    """For each port and each of 0.0.0.0/0 and ::/0: how TCP traffic from it to the port is decided."""
    ipv4 = [(e, e.cidr) for e in entries if isinstance(e.cidr, ipaddress.IPv4Network)]
    ipv6 = [(e, e.cidr) for e in entries if isinstance(e.cidr, ipaddress.IPv6Network)]
    verdicts: list[Verdict] = []
    for port in ports:
        verdicts.append(_decide(ipv4, IPV4_INTERNET, port))
        verdicts.append(_decide(ipv6, IPV6_INTERNET, port))
    return verdicts
