"""The check contract: CheckMeta (what a check is about) and CheckResult (what it found)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cloudward.inventory import Inventory, Resource


class Layer(StrEnum):
    """The defence layer a weakness breaks."""

    IDENTITY = "identity"
    NETWORK = "network"
    DATA = "data"
    DETECTION = "detection"
    POSTURE = "posture"
    RESPONSE = "response"


LAYER_ORDER = {layer: position for position, layer in enumerate(Layer)}
"""Layers in the order the model gives them (identity first), for sorting."""


class Threat(StrEnum):
    """The kind of breach a weakness leads to."""

    MISCONFIGURATION = "misconfiguration"
    COMPROMISED_CREDENTIALS = "compromised-credentials"
    INSECURE_API = "insecure-api"
    SUPPLY_CHAIN = "supply-chain"


class Owner(StrEnum):
    """Who must act, in the shared responsibility model."""

    CUSTOMER = "customer"
    PROVIDER = "provider"
    SHARED = "shared"


class ServiceModel(StrEnum):
    """How much of the stack the provider runs for this service."""

    IAAS = "iaas"
    PAAS = "paas"
    SAAS = "saas"


class Severity(StrEnum):
    """Severity, ordered from informational to critical."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for info up to 4 for critical."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {severity: rank for rank, severity in enumerate(Severity)}


class Status(StrEnum):
    """The outcome of one check on one resource."""

    PASS = "PASS"
    FAIL = "FAIL"
    ERROR = "ERROR"
    NOT_APPLICABLE = "NOT_APPLICABLE"


class Remediation(BaseModel):
    """How to fix a FAIL, three ways."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    summary: str
    console: tuple[str, ...] = ()
    cli: str = ""
    terraform: str = ""


_CHECK_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


class CheckMeta(BaseModel):
    """Everything a user needs to know about a check, declared next to its code.

    ``requires`` names what the collector must read for the check: a bare name is a supplement of the
    check's own resource type (``PublicAccessBlockConfiguration``); ``Type`` asks for the listing of
    another type and ``Type.Supplement`` for one of its supplements.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    service: str
    resource_type: str
    severity: Severity
    layer: Layer
    threat: Threat
    owner: Owner = Owner.CUSTOMER
    service_model: ServiceModel
    description: str
    risk: str
    remediation: Remediation
    references: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    tags: tuple[str, ...] = Field(default=())

    @field_validator("id")
    @classmethod
    def _snake_case_id(cls, value: str) -> str:
        if not _CHECK_ID.match(value):
            raise ValueError(f"check id {value!r} must be snake_case words, never a sequence number")
        return value

    def required_supplements(self) -> dict[str, frozenset[str]]:
        """What this check needs collected: resource type -> supplement names (possibly empty)."""
        needs: dict[str, set[str]] = {self.resource_type: set()}
        for item in self.requires:
            if "::" not in item:
                needs[self.resource_type].add(item)
                continue
            type_name, _, supplement = item.rpartition(".") if "." in item else (item, "", "")
            needs.setdefault(type_name, set())
            if supplement:
                needs[type_name].add(supplement)
        return {key: frozenset(value) for key, value in needs.items()}


@dataclass(frozen=True, slots=True)
class CheckResult:
    """PASS, FAIL, ERROR or NOT_APPLICABLE, and a reason naming the exact settings behind it.

    A plain dataclass, not a pydantic model: hundreds of thousands are made per large scan.
    """

    status: Status
    reason: str

    @classmethod
    def passed(cls, reason: str) -> CheckResult:
        """A PASS with its reason."""
        return cls(status=Status.PASS, reason=reason)

    @classmethod
    def failed(cls, reason: str) -> CheckResult:
        """A FAIL with its reason."""
        return cls(status=Status.FAIL, reason=reason)

    @classmethod
    def error(cls, reason: str) -> CheckResult:
        """An ERROR: the input could not be read, so nothing can be said."""
        return cls(status=Status.ERROR, reason=reason)

    @classmethod
    def not_applicable(cls, reason: str) -> CheckResult:
        """The check does not apply to this resource."""
        return cls(status=Status.NOT_APPLICABLE, reason=reason)


class Evaluate(Protocol):
    """The function every check module defines."""

    def __call__(self, resource: Resource, inventory: Inventory) -> CheckResult: ...


@dataclass(frozen=True, slots=True)
class Check:
    """A registered check: its metadata, its evaluate function and the module that defines it."""

    meta: CheckMeta
    evaluate: Evaluate
    module: str
