"""The account password policy requires at least one lowercase letter."""

from __future__ import annotations

from cloudward.checks.aws.iam._password_policy import character_class_meta, require_flag
from cloudward.checks.model import CheckResult
from cloudward.inventory import Inventory, Resource

FLAG = "RequireLowercaseCharacters"

meta = character_class_meta(
    "iam_password_policy_requires_lowercase",
    FLAG,
    "at least one lowercase letter",
    "Require at least one lowercase letter from the Latin alphabet (a-z)",
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when no password policy is set or RequireLowercaseCharacters is not true."""
    return require_flag(resource, FLAG)
