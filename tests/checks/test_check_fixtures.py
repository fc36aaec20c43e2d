"""Every check against its fixture inventory: the sets of PASS, FAIL, ERROR and N/A resources."""

from __future__ import annotations

import pytest

from cloudward.checks.model import Check, Status
from cloudward.checks.registry import default_registry
from cloudward.checks.runner import run_check
from tests.fixture_inventory import FIXTURES, load_fixture

CHECKS = list(default_registry())
EXPECTED_BY_PREFIX = {
    "pass-": Status.PASS,
    "fail-": Status.FAIL,
    "unknown-": Status.ERROR,
    "na-": Status.NOT_APPLICABLE,
}


def _expected(name: str) -> Status:
    for prefix, status in EXPECTED_BY_PREFIX.items():
        if name.startswith(prefix):
            return status
    raise AssertionError(f"fixture resource {name!r} must start with one of {list(EXPECTED_BY_PREFIX)}")


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.meta.id)
def test_check_against_fixture(check: Check) -> None:
    """``<id>.yaml`` plus optional variants ``<id>.<variant>.yaml`` (e.g. another account setting)."""
    paths = sorted(FIXTURES.glob(f"{check.meta.id}.yaml")) + sorted(FIXTURES.glob(f"{check.meta.id}.*.yaml"))
    assert paths, f"every check needs a fixture: {FIXTURES / check.meta.id}.yaml"
    covered: set[Status] = set()
    for path in paths:
        inventory, resources = load_fixture(path, check.meta.resource_type)
        expected: dict[Status, set[str]] = {status: set() for status in Status}
        actual: dict[Status, set[str]] = {status: set() for status in Status}
        reasons = {}
        for resource in resources:
            expected[_expected(resource.name)].add(resource.name)
            result = run_check(check, resource, inventory)
            actual[result.status].add(resource.name)
            reasons[resource.name] = result.reason
            assert result.reason, f"{path.name}: {resource.name}: every result needs a reason"
        assert actual == expected, f"{path.name}: {reasons}"
        covered.update(status for status, names in expected.items() if names)
    for status in (Status.PASS, Status.FAIL, Status.ERROR):
        assert status in covered, f"{check.meta.id}: the fixtures need at least one {status} resource"
