"""The generated IAM account of ``bench/iam.py`` at a tiny scale: counts, determinism, valid documents,
and references that resolve (attached policies, boundaries, groups, trusted roles, resources' roles)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from cloudward.iam.statements import actions, principals, resources, statements

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from iam_account import ESCALATIONS, TRAPS, Account, generate, generate_account, write_account  # noqa: E402

ROLES, USERS, POLICIES = 150, 60, 300


@pytest.fixture(scope="module")
def account() -> Account:
    """One tiny account, generated once for the module."""
    return generate(ROLES, USERS, POLICIES, seed=3)


def _principals(gaad: dict[str, Any]) -> list[dict[str, Any]]:
    return [*gaad["RoleDetailList"], *gaad["UserDetailList"], *gaad["GroupDetailList"]]


def test_counts_are_the_ones_asked_for(account: Account) -> None:
    gaad = account.gaad
    assert len(gaad["RoleDetailList"]) == ROLES
    assert len(gaad["UserDetailList"]) == USERS
    customer = [p for p in gaad["Policies"] if not p["Arn"].startswith("arn:aws:iam::aws:policy/")]
    assert len(customer) == POLICIES
    assert len(gaad["GroupDetailList"]) == 8  # the minimum: 5 special groups and 3 team groups
    arns = [item["Arn"] for item in [*_principals(gaad), *gaad["Policies"]]]
    assert len(arns) == len(set(arns))
    names = [role["RoleName"].lower() for role in gaad["RoleDetailList"]]
    assert len(names) == len(set(names))


def test_every_principal_attaches_one_to_ten_policies(account: Account) -> None:
    for item in [*account.gaad["RoleDetailList"], *account.gaad["UserDetailList"]]:
        attached = len(item["AttachedManagedPolicies"])
        inline = len(item.get("RolePolicyList", item.get("UserPolicyList", [])))
        groups = len(item.get("GroupList", []))
        assert attached <= 10, item["Arn"]
        assert attached + inline + groups >= 1, item["Arn"]


def test_same_seed_same_account_other_seed_other_account() -> None:
    first = generate_account(ROLES, USERS, POLICIES, seed=11)
    again = generate_account(ROLES, USERS, POLICIES, seed=11)
    other = generate_account(ROLES, USERS, POLICIES, seed=12)
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)
    assert json.dumps(first[0], sort_keys=True) != json.dumps(other[0], sort_keys=True)


def test_every_document_reads_strictly(account: Account) -> None:
    gaad = account.gaad
    documents: list[tuple[str, Any]] = []
    for policy in gaad["Policies"]:
        versions = policy["PolicyVersionList"]
        assert [v["VersionId"] for v in versions if v["IsDefaultVersion"]] == [policy["DefaultVersionId"]]
        documents.extend((f"{policy['Arn']} {v['VersionId']}", v["Document"]) for v in versions)
    for item in _principals(gaad):
        for key in ("RolePolicyList", "UserPolicyList", "GroupPolicyList"):
            documents.extend((f"{item['Arn']} {p['PolicyName']}", p["PolicyDocument"]) for p in item.get(key, []))
    seen = Counter[str]()
    for label, document in documents:
        for statement in statements(document, label):
            assert ("Action" in statement) != ("NotAction" in statement), label
            assert ("Resource" in statement) != ("NotResource" in statement), label
            assert all(":" in action or action == "*" for action in actions(statement)), label
            assert resources(statement) or "NotResource" in statement, label
            seen[statement["Effect"]] += 1
    assert seen["Allow"] > POLICIES
    assert seen["Deny"] > 0
    for role in gaad["RoleDetailList"]:
        for statement in statements(role["AssumeRolePolicyDocument"], role["Arn"]):
            principals(statement)
            assert "Principal" in statement and actions(statement), role["Arn"]


def test_every_reference_resolves(account: Account) -> None:
    gaad = account.gaad
    policies = {policy["Arn"]: policy for policy in gaad["Policies"]}
    groups = {group["GroupName"] for group in gaad["GroupDetailList"]}
    roles = {role["Arn"] for role in gaad["RoleDetailList"]}
    for item in _principals(gaad):
        for attached in item["AttachedManagedPolicies"]:
            assert attached["PolicyArn"] in policies, (item["Arn"], attached)
            assert policies[attached["PolicyArn"]]["PolicyName"] == attached["PolicyName"]
        boundary = item.get("PermissionsBoundary")
        if boundary:
            assert boundary["PermissionsBoundaryArn"] in policies
        assert set(item.get("GroupList", [])) <= groups
    for arn, policy in policies.items():
        uses = sum(any(a["PolicyArn"] == arn for a in item["AttachedManagedPolicies"]) for item in _principals(gaad))
        assert policy["AttachmentCount"] == uses, arn
    for resource in account.resources["resources"]:
        assert set(resource) >= {"type", "arn", "role"}
        assert resource["role"] in roles, resource
    for role in gaad["RoleDetailList"]:
        for statement in statements(role["AssumeRolePolicyDocument"]):
            for principal in principals(statement):
                if principal.startswith("arn:aws:iam::111122223333:role/"):
                    assert principal in roles, (role["Arn"], principal)
    for profile in (p for role in gaad["RoleDetailList"] for p in role["InstanceProfileList"]):
        assert [r["Arn"] for r in profile["Roles"]] == [profile["Arn"].replace(":instance-profile/", ":role/")]


def test_admins_and_planted_principals(account: Account) -> None:
    gaad = account.gaad
    arns = {item["Arn"] for item in [*gaad["RoleDetailList"], *gaad["UserDetailList"]]}
    admin_roles = [arn for arn in account.admins if ":role/" in arn]
    assert len(admin_roles) == 15  # one of each kind of administrator role at this scale
    assert set(account.admins) <= arns
    planted = {item.principal: item for item in account.planted}
    assert len(planted) == len(account.planted)  # one kind per principal
    assert set(planted) <= arns
    assert not set(planted) & set(account.admins)
    assert {item.kind for item in account.planted} == {*ESCALATIONS, *TRAPS}
    assert all(item.escalates == (item.kind in ESCALATIONS) for item in account.planted)


def test_too_small_an_account_is_refused() -> None:
    with pytest.raises(ValueError, match="roles are too few"):
        generate(10, USERS, POLICIES)


def test_written_files(account: Account, tmp_path: Path) -> None:
    write_account(account, tmp_path)
    assert json.loads((tmp_path / "gaad.json").read_text()) == account.gaad
    assert json.loads((tmp_path / "resources.json").read_text()) == account.resources
    planted = json.loads((tmp_path / "planted.json").read_text())
    assert planted["admins"] == account.admins
    assert len(planted["planted"]) == len(account.planted)
