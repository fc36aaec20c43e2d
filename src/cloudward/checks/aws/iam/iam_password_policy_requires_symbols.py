"""The account password policy requires at least one symbol (non-alphanumeric character)."""

from __future__ import annotations

from cloudward.checks.aws.iam._password_policy import character_class_meta, require_flag
from cloudward.checks.model import CheckResult
from cloudward.inventory import Inventory, Resource

FLAG = "RequireSymbols"

meta = character_class_meta(
    "iam_password_policy_requires_symbols",
    FLAG,
    "at least one symbol (non-alphanumeric character)",
    "Require at least one non-alphanumeric character",
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when no password policy is set or RequireSymbols is not true."""
    return require_flag(resource, FLAG)
