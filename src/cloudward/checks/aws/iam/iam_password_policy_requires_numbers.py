"""The account password policy requires at least one number."""

from __future__ import annotations

from cloudward.checks.aws.iam._password_policy import character_class_meta, require_flag
from cloudward.checks.model import CheckResult
from cloudward.inventory import Inventory, Resource

FLAG = "RequireNumbers"

meta = character_class_meta(
    "iam_password_policy_requires_numbers",
    FLAG,
    "at least one number",
    "Require at least one number",
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when no password policy is set or RequireNumbers is not true."""
    return require_flag(resource, FLAG)
