"""The account password policy requires at least one uppercase letter."""

from __future__ import annotations

from cloudward.checks.aws.iam._password_policy import character_class_meta, require_flag
from cloudward.checks.model import CheckResult
from cloudward.inventory import Inventory, Resource

FLAG = "RequireUppercaseCharacters"

meta = character_class_meta(
    "iam_password_policy_requires_uppercase",
    FLAG,
    "at least one uppercase letter",
    "Require at least one uppercase letter from the Latin alphabet (A-Z)",
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when no password policy is set or RequireUppercaseCharacters is not true."""
    return require_flag(resource, FLAG)
