"""Frameworks and the responsibility matrix are data: every id they name must exist."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cloudward.checks.model import Status
from cloudward.checks.registry import default_registry
from cloudward.findings.model import Finding, ResourceRef
from cloudward.frameworks import RequirementStatus, assess, get_framework, load_frameworks
from cloudward.frameworks.model import Framework, FrameworkError
from cloudward.responsibility import load_matrix

REGISTRY = default_registry()
SEEN = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.mark.parametrize("framework", list(load_frameworks().values()), ids=lambda f: f.id)
def test_every_mapped_check_exists_and_requirement_ids_are_unique(framework: Framework) -> None:
    unknown = framework.check_ids() - {check.meta.id for check in REGISTRY}
    assert not unknown, f"{framework.id} maps to unknown checks: {sorted(unknown)}"
    ids = [requirement.id for requirement in framework.requirements]
    assert len(ids) == len(set(ids))


def test_cis_frameworks_have_their_published_requirement_counts() -> None:
    assert len(get_framework("cis-aws-5.0").requirements) == 63
    assert len(get_framework("cis-aws-7.0").requirements) == 70


def test_unknown_framework_suggests_close_ids() -> None:
    with pytest.raises(FrameworkError, match=r"cis-aws-7\.0"):
        get_framework("cis-aws-7")


def _finding(check_id: str, status: Status, name: str, muted: str = "") -> Finding:
    meta = REGISTRY.get(check_id).meta
    ref = ResourceRef(f"arn:aws:test:::{name}", meta.resource_type, name, "123456789012", "us-east-1")
    return Finding(meta, ref, status, "reason", SEEN, SEEN, muted)


def test_assessment_statuses_and_scores() -> None:
    findings = [
        _finding("iam_root_no_access_keys", Status.PASS, "root"),
        _finding("iam_root_mfa_enabled", Status.FAIL, "root"),
        _finding("ec2_sg_no_ssh_from_internet", Status.PASS, "sg-1"),
        _finding("ec2_sg_no_rdp_from_internet", Status.ERROR, "sg-1"),
        _finding("rds_instance_not_public", Status.FAIL, "db", muted="accepted: demo database"),
    ]
    assessment = assess(get_framework("cis-aws-5.0"), findings)
    status = {result.requirement.id: result.status for result in assessment.results}
    assert status["1.3"] is RequirementStatus.PASS
    assert status["1.4"] is RequirementStatus.FAIL
    assert status["5.3"] is RequirementStatus.ERROR  # one check passes, the other could not be evaluated
    assert status["2.2.3"] is RequirementStatus.NOT_APPLICABLE  # its only finding is muted
    assert status["1.1"] is RequirementStatus.MANUAL
    assert status["3.7"] is RequirementStatus.NOT_APPLICABLE  # no finding at all
    identity = assessment.sections["Identity and Access Management"]
    assert (identity.passed, identity.evaluated) == (1, 2)
    assert assessment.overall.evaluated == 4 and assessment.overall.passed == 1


def test_responsibility_matrix_covers_every_service_with_checks() -> None:
    matrix = load_matrix()
    services = {check.meta.service for check in REGISTRY}
    assert services <= set(matrix), f"services without a matrix entry: {sorted(services - set(matrix))}"
    for entry in matrix.values():
        for item in (*entry.provider, *entry.customer, *entry.shared):
            assert item.count("(") == item.count(")"), f"{entry.name}: {item!r} was split by YAML"
