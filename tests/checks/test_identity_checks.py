"""The identity-engine checks beyond their fixtures: one analysis per inventory, masked key ids, reasons."""

from __future__ import annotations

import re
from typing import Any

import pytest

from cloudward.checks.aws.iam import _identity
from cloudward.checks.aws.iam.iam_user_access_key_blast_radius import masked
from cloudward.checks.model import Status
from cloudward.checks.registry import default_registry
from cloudward.checks.runner import run_check
from cloudward.iam.privesc import PrivescResult, analyse
from cloudward.inventory import Inventory, Resource
from tests.fixture_inventory import FIXTURES, load_fixture

REGISTRY = default_registry()


def _results(check_id: str, fixture: str | None = None) -> dict[str, tuple[Status, str]]:
    check = REGISTRY.get(check_id)
    inventory, resources = load_fixture(FIXTURES / f"{fixture or check_id}.yaml", check.meta.resource_type)
    results = {}
    for resource in resources:
        result = run_check(check, resource, inventory)
        results[resource.name] = (result.status, result.reason)
    return results


@pytest.fixture
def analyses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the escalation analyses the checks start."""
    calls: list[int] = []
    real = analyse

    def counting(*args: Any, **kwargs: Any) -> PrivescResult:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(_identity, "analyse", counting)
    return calls


def _run_all(check_ids: list[str], inventory: Inventory, resources: list[Resource]) -> None:
    for check_id in check_ids:
        check = REGISTRY.get(check_id)
        for resource in resources:
            if resource.type == check.meta.resource_type:
                run_check(check, resource, inventory)


def test_the_escalation_analysis_runs_once_per_inventory(analyses: list[int]) -> None:
    inventory, users = load_fixture(FIXTURES / "iam_user_privilege_escalation.yaml", "AWS::IAM::User")
    roles = inventory.of_type("AWS::IAM::Role")
    checks = ["iam_user_privilege_escalation", "iam_user_access_key_blast_radius", "iam_role_privilege_escalation"]
    _run_all(checks, inventory, users + roles)
    _run_all(checks, inventory, users + roles)
    assert len(analyses) == 1
    assert _identity.identity(inventory) is _identity.identity(inventory)

    other, users = load_fixture(FIXTURES / "iam_user_privilege_escalation.yaml", "AWS::IAM::User")
    _run_all(["iam_user_privilege_escalation"], other, users)
    assert len(analyses) == 2, "a new inventory gets its own analysis"


def test_the_admin_checks_do_not_start_the_escalation_search(analyses: list[int]) -> None:
    inventory, users = load_fixture(FIXTURES / "iam_user_admin_equivalent.yaml", "AWS::IAM::User")
    _run_all(["iam_user_admin_equivalent"], inventory, users)
    assert analyses == []


def test_access_key_ids_are_shown_by_their_last_four_characters_only() -> None:
    assert masked("AKIAIOSFODNN7EXAMPLE") == "AKIA...MPLE"
    assert masked("XYZWIOSFODNN7EXAMPLE") == "...MPLE"
    inventory, users = load_fixture(FIXTURES / "iam_user_access_key_blast_radius.yaml", "AWS::IAM::User")
    check = REGISTRY.get("iam_user_access_key_blast_radius")
    key_ids = {str(key["AccessKeyId"]) for user in users for key in _keys(user) if "AccessKeyId" in key}
    assert key_ids
    for user in users:
        reason = run_check(check, user, inventory).reason
        for key_id in key_ids:
            assert key_id not in reason
            assert key_id[4:-4] not in reason


def _keys(user: Resource) -> list[dict[str, Any]]:
    keys = user.attrs["supplementaryConfiguration"].get("AccessKeys")
    return [key for key in keys if isinstance(key, dict)] if isinstance(keys, list) else []


def test_escalation_reasons_give_steps_method_ids_path_count_and_flags() -> None:
    users = _results("iam_user_privilege_escalation")
    status, reason = users["fail-conditional-put-policy"]
    assert status is Status.FAIL
    assert "[iam-008] (conditional)" in reason
    status, reason = users["fail-iam-star"]
    assert re.search(r"\(\d+( or more)? paths\)", reason), reason
    status, reason = users["fail-update-existing-function"]
    assert "lambda:UpdateFunctionCode on function:nightly -> role/lambda-admin [lambda-003]" in reason

    roles = _results("iam_role_privilege_escalation")
    status, reason = roles["fail-ci-two-hops"]
    assert status is Status.FAIL
    steps = reason.split(": ", 1)[1].split("; ")
    assert steps[0] == "role/fail-ci-two-hops -> sts:AssumeRole -> role/fail-hop-through-deployer"
    assert steps[1].startswith("role/fail-hop-through-deployer -> sts:AssumeRole -> role/na-admin")


def test_admin_reasons_name_every_policy_that_contributes_and_what_stops_the_others() -> None:
    users = _results("iam_user_admin_equivalent")
    _, together = users["fail-several-policies-together"]
    assert "inline policy 'all-but-iam-and-sts' of user/fail-several-policies-together" in together
    assert "inline policy 'iam-and-sts' of group/ops" in together
    _, denied = users["pass-admin-with-deny"]
    assert 'statement "NoIam"' in denied
    _, capped = users["pass-admin-capped-by-boundary"]
    assert "permissions boundary" in capped


def test_blast_radius_counts_the_sample_by_access_level() -> None:
    status, reason = _results("iam_user_access_key_blast_radius")["pass-scoped-key"]
    assert status is Status.PASS
    assert "3 of 9 sensitive actions reachable" in reason
    assert "Read 2 (s3:GetObject on some resources, ssm:GetParameter only under conditions)" in reason
    assert "Write 1 (kms:Decrypt on every resource)" in reason
    assert "ec2:RunInstances" not in reason  # allowed, then denied
