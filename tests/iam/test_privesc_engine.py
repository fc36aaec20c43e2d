"""The privilege-escalation search: one case per kind of method, multi-hop paths, traps and the JSON shape."""

from __future__ import annotations

import re
from typing import Any

import pytest

from cloudward.iam.model import AccountModel
from cloudward.iam.privesc import ADMIN, METHODS, Escalation, Kind, analyse, find_escalations
from cloudward.iam.privesc.methods import BY_ID
from tests.iam.test_evaluate import (
    ACCOUNT,
    ADMIN_ARN,
    ADMINISTRATOR_ACCESS,
    Doc,
    allow,
    arn,
    build,
    deny,
    doc,
    group,
    inline,
    managed,
    role,
    service,
    trust,
    user,
)

# pathfinding.cloud's 65 paths (https://pathfinding.cloud), by service.
PATHFINDING_IDS = frozenset(
    [f"iam-{n:03d}" for n in range(1, 22)]
    + ["sts-001"]
    + [f"ec2-{n:03d}" for n in range(1, 5)]
    + [f"lambda-{n:03d}" for n in range(1, 7)]
    + [f"glue-{n:03d}" for n in range(1, 7)]
    + [f"cloudformation-{n:03d}" for n in range(1, 6)]
    + [f"codebuild-{n:03d}" for n in range(1, 5)]
    + ["datapipeline-001"]
    + [f"ecs-{n:03d}" for n in range(1, 6)]
    + [f"sagemaker-{n:03d}" for n in range(1, 6)]
    + ["apprunner-001", "apprunner-002", "bedrock-001", "bedrock-002"]
    + ["ssm-001", "ssm-002", "ec2instanceconnect-003"]
)


def escalations(model: AccountModel) -> dict[str, Escalation]:
    """The escalations by the principal's short name (``user/alice``)."""
    return {escalation.short: escalation for escalation in find_escalations(model)}


def methods_of(escalation: Escalation) -> set[tuple[str, ...]]:
    """The method lists of every path of an escalation."""
    return {tuple(path.methods) for path in escalation.paths}


ADMIN_ROLE_TRUST = {"lambda": service("lambda"), "ec2": service("ec2")}


def admin_role(name: str, trust_policy: Doc, *, profile: bool = False) -> Doc:
    """A role with AdministratorAccess attached."""
    return role(name, trust_policy, managed=[ADMIN_ARN], profile=profile)


# ---- catalogue of methods -----------------------------------------------------------------------


def test_methods_have_unique_pathfinding_ids_covering_all_65() -> None:
    ids = [method.id for method in METHODS]
    assert len(ids) == len(set(ids)) == 65
    assert set(ids) == PATHFINDING_IDS
    assert all(re.fullmatch(r"[a-z0-9]+-\d{3}", method_id) for method_id in ids)
    assert BY_ID["lambda-001"].name == "iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction"
    assert BY_ID["iam-001"].url == "https://pathfinding.cloud/paths/iam-001"
    for method in METHODS:
        if method.kind is Kind.EXISTING:
            assert method.resource_type and method.services, method.id
        if method.kind is Kind.NEW_PASSROLE:
            assert method.services, method.id


# ---- SELF ----------------------------------------------------------------------------------------


def test_self_create_policy_version_on_own_policy() -> None:
    model = build(
        users=[user("alice", managed=[arn("policy", "dev")])],
        policies=[managed("dev", doc(allow("iam:CreatePolicyVersion", arn("policy", "dev")), allow("s3:List*")))],
    )
    found = escalations(model)
    assert list(found) == ["user/alice"]
    assert [path.to_json() for path in found["user/alice"].paths] == [
        {
            "methods": ["iam-001"],
            "steps": ["user/alice -> iam:CreatePolicyVersion on policy/dev -> admin"],
            "target": "admin",
            "conditional": False,
            "assumed": False,
        }
    ]


@pytest.mark.parametrize(
    ("method_id", "statement"),
    [
        ("iam-007", allow("iam:PutUserPolicy", arn("user", "u"))),
        ("iam-008", allow("iam:AttachUserPolicy", arn("user", "u"))),
    ],
)
def test_self_user_policy_edits(method_id: str, statement: Doc) -> None:
    found = escalations(build(users=[user("u", inline("p", statement))]))
    assert methods_of(found["user/u"]) == {(method_id,)}


def test_self_role_policy_edits() -> None:
    model = build(
        roles=[
            role("put", service("ec2"), inline("p", allow("iam:PutRolePolicy", arn("role", "put")))),
            role("attach", service("ec2"), inline("p", allow("iam:AttachRolePolicy", arn("role", "attach")))),
        ]
    )
    found = escalations(model)
    assert methods_of(found["role/put"]) == {("iam-005",)}
    assert methods_of(found["role/attach"]) == {("iam-009",)}


def test_self_through_groups() -> None:
    model = build(
        users=[
            user("attacher", inline("p", allow("iam:AttachGroupPolicy", arn("group", "devs"))), groups=["devs"]),
            user("putter", inline("p", allow("iam:PutGroupPolicy", arn("group", "devs"))), groups=["devs"]),
            user("joiner", inline("p", allow("iam:AddUserToGroup", arn("group", "admins")))),
            user("outsider", inline("p", allow("iam:PutGroupPolicy", arn("group", "devs")))),
        ],
        groups=[group("devs"), group("admins", managed=[ADMIN_ARN])],
        policies=[ADMINISTRATOR_ACCESS],
    )
    found = escalations(model)
    assert methods_of(found["user/attacher"]) == {("iam-010",)}
    assert methods_of(found["user/putter"]) == {("iam-011",)}
    assert methods_of(found["user/joiner"]) == {("iam-013",)}
    assert found["user/joiner"].paths[0].to_json()["steps"] == [
        "user/joiner -> iam:AddUserToGroup on group/admins -> admin"
    ]
    assert "user/outsider" not in found  # editing a group it is not in does not raise its own permissions


# ---- MODIFY_AND_USE ------------------------------------------------------------------------------


def test_modify_another_role_then_assume_it() -> None:
    model = build(
        users=[
            user(
                "dev",
                inline(
                    "p", allow("iam:AttachRolePolicy", arn("role", "app")), allow("sts:AssumeRole", arn("role", "app"))
                ),
            ),
            user("no-trust", inline("p", allow(["iam:AttachRolePolicy", "sts:AssumeRole"], arn("role", "app")))),
        ],
        roles=[role("app", trust({"AWS": arn("user", "dev")}))],
    )
    found = escalations(model)
    assert methods_of(found["user/dev"]) == {("iam-014",)}
    path = found["user/dev"].paths[0].to_json()
    assert path["steps"] == [
        (
            "user/dev -> iam:AttachRolePolicy policy/AdministratorAccess on role/app"
            " + sts:AssumeRole on role/app -> admin"
        )
    ]
    assert "user/no-trust" not in found  # the role's trust policy does not name it
    assert "role/app" not in found


def test_modify_another_user_then_create_its_keys() -> None:
    model = build(
        users=[
            user("dev", inline("p", allow(["iam:PutUserPolicy", "iam:CreateAccessKey"], arn("user", "ci")))),
            user("ci"),
        ]
    )
    found = escalations(model)
    assert methods_of(found["user/dev"]) == {("iam-018",)}


def test_modify_role_and_rewrite_its_trust() -> None:
    model = build(
        users=[
            user("dev", inline("p", allow(["iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"], arn("role", "app"))))
        ],
        roles=[role("app", service("ec2"))],
    )
    assert methods_of(escalations(model)["user/dev"]) == {("iam-021",)}


# ---- PRINCIPAL_ACCESS ----------------------------------------------------------------------------


def test_principal_access_to_an_administrator() -> None:
    model = build(
        users=[
            user("root-ish", managed=[ADMIN_ARN]),
            user("keys", inline("p", allow("iam:CreateAccessKey", arn("user", "root-ish")))),
            user("login", inline("p", allow("iam:CreateLoginProfile", arn("user", "root-ish")))),
            user("assumer", inline("p", allow("sts:AssumeRole", arn("role", "admin")))),
            user("truster", inline("p", allow("iam:UpdateAssumeRolePolicy", arn("role", "admin")))),
            user("wrong-user", inline("p", allow("iam:CreateAccessKey", arn("user", "plain")))),
            user("plain"),
        ],
        roles=[admin_role("admin", trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))],
        policies=[ADMINISTRATOR_ACCESS],
    )
    found = escalations(model)
    assert set(found) == {"user/keys", "user/login", "user/assumer", "user/truster"}
    assert methods_of(found["user/keys"]) == {("iam-002",)}
    assert methods_of(found["user/login"]) == {("iam-004",)}
    assert methods_of(found["user/assumer"]) == {("sts-001",)}
    assert methods_of(found["user/truster"]) == {("iam-012",)}
    assumer = found["user/assumer"].paths[0]
    assert assumer.target == arn("role", "admin")
    assert assumer.to_json()["steps"] == ["user/assumer -> sts:AssumeRole -> role/admin"]
    assert found["user/keys"].paths[0].target == arn("user", "root-ish")


# ---- NEW_PASSROLE --------------------------------------------------------------------------------


def test_passrole_to_a_new_lambda_function() -> None:
    lambda_actions = ["lambda:CreateFunction", "lambda:InvokeFunction"]
    model = build(
        users=[
            user("dev", inline("p", allow(lambda_actions), allow("iam:PassRole", arn("role", "admin-fn")))),
            user("no-pass", inline("p", allow(lambda_actions))),
        ],
        roles=[admin_role("admin-fn", service("lambda"))],
        policies=[ADMINISTRATOR_ACCESS],
    )
    found = escalations(model)
    assert set(found) == {"user/dev"}
    path = found["user/dev"].paths[0]
    assert path.methods == ["lambda-001"]
    assert path.target == arn("role", "admin-fn")
    assert path.to_json()["steps"] == [
        "user/dev -> iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction -> role/admin-fn"
    ]


def test_passrole_to_ec2_needs_an_instance_profile() -> None:
    actions = ["ec2:RunInstances", "iam:PassRole"]
    profile_actions = ["iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile"]
    model = build(
        users=[
            user("dev", inline("p", allow(actions))),
            user("builder", inline("p", allow([*actions, *profile_actions]))),
        ],
        roles=[admin_role("no-profile", service("ec2"))],
        policies=[ADMINISTRATOR_ACCESS],
    )
    found = escalations(model)
    assert set(found) == {"user/builder"}
    assert "iam:CreateInstanceProfile" in found["user/builder"].paths[0].to_json()["steps"][0]

    with_profile = build(
        users=[user("dev", inline("p", allow(actions)))],
        roles=[admin_role("web", service("ec2"), profile=True)],
        policies=[ADMINISTRATOR_ACCESS],
    )
    assert methods_of(escalations(with_profile)["user/dev"]) == {("ec2-001",)}


# ---- EXISTING ------------------------------------------------------------------------------------

FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:admin-fn"


def _existing_model(resources: list[Doc] | None, code_on: str = "*") -> AccountModel:
    return build(
        users=[user("dev", inline("p", allow("lambda:UpdateFunctionCode", code_on)))],
        roles=[admin_role("admin-fn", service("lambda")), role("plain", service("lambda"))],
        policies=[ADMINISTRATOR_ACCESS],
        resources=resources,
    )


def test_existing_function_from_the_resources_file() -> None:
    resources = [{"type": "AWS::Lambda::Function", "arn": FUNCTION, "role": arn("role", "admin-fn")}]
    found = escalations(_existing_model(resources, code_on=FUNCTION))
    path = found["user/dev"].paths[0]
    assert path.methods == ["lambda-003"]
    assert path.assumed is False
    assert path.to_json()["steps"] == ["user/dev -> lambda:UpdateFunctionCode on function:admin-fn -> role/admin-fn"]


def test_existing_function_on_another_resource_is_no_path() -> None:
    resources = [{"type": "AWS::Lambda::Function", "arn": FUNCTION, "role": arn("role", "admin-fn")}]
    other = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:other"
    assert escalations(_existing_model(resources, code_on=other)) == {}


def test_existing_resources_given_but_none_runs_as_the_admin_role() -> None:
    resources = [{"type": "AWS::Lambda::Function", "arn": FUNCTION, "role": arn("role", "plain")}]
    assert escalations(_existing_model(resources)) == {}


def test_existing_function_assumed_from_gaad_alone() -> None:
    found = escalations(_existing_model(None))
    path = found["user/dev"].paths[0]
    assert path.methods == ["lambda-003"]
    assert path.assumed is True
    assert path.to_json()["assumed"] is True
    assert "a resource assumed to run as it" in path.to_json()["steps"][0]


# ---- multi-hop -----------------------------------------------------------------------------------


def test_multi_hop_assume_then_self_edit() -> None:
    model = build(
        users=[user("bob", inline("p", allow("sts:AssumeRole", arn("role", "ops"))))],
        roles=[
            role("ops", trust({"AWS": arn("user", "bob")}), inline("p", allow("iam:PutRolePolicy", arn("role", "ops"))))
        ],
    )
    found = escalations(model)
    assert set(found) == {"user/bob", "role/ops"}
    path = found["user/bob"].paths[0].to_json()
    assert path["methods"] == ["sts-001", "iam-005"]
    assert path["steps"] == [
        "user/bob -> sts:AssumeRole -> role/ops",
        "role/ops -> iam:PutRolePolicy on role/ops -> admin",
    ]
    assert path["target"] == "admin"


def test_multi_hop_three_principals() -> None:
    model = build(
        users=[user("start", inline("p", allow("sts:AssumeRole", arn("role", "middle"))))],
        roles=[
            role(
                "middle", trust({"AWS": arn("user", "start")}), inline("p", allow("sts:AssumeRole", arn("role", "top")))
            ),
            admin_role("top", trust({"AWS": arn("role", "middle")})),
        ],
        policies=[ADMINISTRATOR_ACCESS],
    )
    path = escalations(model)["user/start"].paths[0]
    assert path.methods == ["sts-001"]
    assert len(path.hops) == 2
    assert path.target == arn("role", "top")


# ---- traps ---------------------------------------------------------------------------------------


def test_trap_deny_in_another_policy() -> None:
    model = build(
        users=[
            user(
                "alice", inline("p", allow("iam:PutUserPolicy", arn("user", "alice"))), managed=[arn("policy", "guard")]
            )
        ],
        policies=[managed("guard", doc(deny("iam:Put*")))],
    )
    assert escalations(model) == {}


def test_trap_condition_never_true() -> None:
    expired = {"DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}
    model = build(
        users=[user("alice", inline("p", allow("iam:PutUserPolicy", arn("user", "alice"), Condition=expired)))]
    )
    assert escalations(model) == {}


def test_condition_on_an_unknown_key_is_a_conditional_path() -> None:
    mfa = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    model = build(users=[user("alice", inline("p", allow("iam:PutUserPolicy", arn("user", "alice"), Condition=mfa)))])
    escalation = escalations(model)["user/alice"]
    assert escalation.conditional
    assert escalation.paths[0].to_json()["conditional"] is True


def test_trap_passrole_restricted_to_an_unprivileged_role() -> None:
    model = build(
        users=[
            user(
                "dev",
                inline(
                    "p",
                    allow(["lambda:CreateFunction", "lambda:InvokeFunction"]),
                    allow("iam:PassRole", arn("role", "plain")),
                ),
            )
        ],
        roles=[admin_role("admin-fn", service("lambda")), role("plain", service("lambda"))],
        policies=[ADMINISTRATOR_ACCESS],
    )
    assert escalations(model) == {}


def test_trap_passrole_to_a_different_service() -> None:
    passed_to_ec2 = {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}
    model = build(
        users=[
            user(
                "dev",
                inline(
                    "p",
                    allow(["lambda:CreateFunction", "lambda:InvokeFunction"]),
                    allow("iam:PassRole", arn("role", "admin-fn"), Condition=passed_to_ec2),
                ),
            )
        ],
        roles=[admin_role("admin-fn", service("lambda"))],
        policies=[ADMINISTRATOR_ACCESS],
    )
    assert escalations(model) == {}


def test_passrole_with_the_matching_service_condition_is_a_path() -> None:
    passed_to_lambda = {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}
    model = build(
        users=[
            user(
                "dev",
                inline(
                    "p",
                    allow(["lambda:CreateFunction", "lambda:InvokeFunction"]),
                    allow("iam:PassRole", arn("role", "admin-fn"), Condition=passed_to_lambda),
                ),
            )
        ],
        roles=[admin_role("admin-fn", service("lambda"))],
        policies=[ADMINISTRATOR_ACCESS],
    )
    escalation = escalations(model)["user/dev"]
    assert escalation.paths[0].methods == ["lambda-001"]
    assert not escalation.conditional


def test_trap_boundary_blocks_self_edit() -> None:
    boundary = managed("limit", doc(allow(["iam:PutUserPolicy", "s3:*"])))
    model = build(
        users=[
            user(
                "alice", inline("p", allow("iam:PutUserPolicy", arn("user", "alice"))), boundary=arn("policy", "limit")
            )
        ],
        policies=[boundary],
    )
    assert escalations(model) == {}


def test_boundary_that_the_caller_may_remove_is_part_of_the_path() -> None:
    actions = ["iam:PutUserPolicy", "iam:DeleteUserPermissionsBoundary"]
    model = build(
        users=[user("alice", inline("p", allow(actions, arn("user", "alice"))), boundary=arn("policy", "limit"))],
        policies=[managed("limit", doc(allow([*actions, "s3:*"])))],
    )
    step = escalations(model)["user/alice"].paths[0].to_json()["steps"][0]
    assert (
        step
        == "user/alice -> iam:PutUserPolicy on user/alice + iam:DeleteUserPermissionsBoundary on user/alice -> admin"
    )


def test_trap_self_attach_pinned_to_a_harmless_policy() -> None:
    harmless = {"ArnEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}
    model = build(
        users=[user("alice", inline("p", allow("iam:AttachUserPolicy", arn("user", "alice"), Condition=harmless)))]
    )
    assert escalations(model) == {}


def test_trap_not_action_excluding_the_needed_action() -> None:
    model = build(users=[user("alice", inline("p", allow(None, arn("user", "alice"), NotAction=["iam:*User*"])))])
    assert escalations(model) == {}


def test_trap_path_split_across_policies_still_found() -> None:
    model = build(
        users=[
            user(
                "dev",
                inline("a", allow("lambda:CreateFunction")),
                managed=[arn("policy", "invoke")],
                groups=["passers"],
            )
        ],
        groups=[group("passers", inline("g", allow("iam:PassRole", arn("role", "admin-fn"))))],
        roles=[admin_role("admin-fn", service("lambda"))],
        policies=[ADMINISTRATOR_ACCESS, managed("invoke", doc(allow("lambda:InvokeFunction")))],
    )
    assert methods_of(escalations(model)["user/dev"]) == {("lambda-001",)}


# ---- administrators and the result ---------------------------------------------------------------


def test_administrators_are_not_listed() -> None:
    model = build(
        users=[
            user("admin", managed=[ADMIN_ARN]),
            user("alice", inline("p", allow("iam:PutUserPolicy", arn("user", "alice")))),
        ],
        roles=[admin_role("ops", trust({"AWS": arn("user", "admin")}))],
        policies=[ADMINISTRATOR_ACCESS],
    )
    result = analyse(model)
    assert sorted(p.short for p in result.admins) == ["role/ops", "user/admin"]
    assert [e.short for e in result.escalations] == ["user/alice"]
    assert result.graph.has_edge(arn("user", "admin"), ADMIN)
    assert result.graph.has_edge(arn("user", "alice"), ADMIN)


def test_unreadable_principals_are_reported() -> None:
    broken = {"PolicyName": "broken", "PolicyDocument": "{not json"}
    model = build(users=[user("u", broken)])
    result = analyse(model)
    assert list(result.unreadable) == [arn("user", "u")]
    assert "broken" in result.unreadable[arn("user", "u")][0]


def test_escalation_to_json_shape() -> None:
    model = build(
        users=[user("bob", inline("p", allow("sts:AssumeRole", arn("role", "ops"))))],
        roles=[
            role("ops", trust({"AWS": arn("user", "bob")}), inline("p", allow("iam:PutRolePolicy", arn("role", "ops"))))
        ],
    )
    records: list[dict[str, Any]] = [escalation.to_json() for escalation in find_escalations(model)]
    for record in records:
        assert set(record) == {"principal", "kind", "paths"}
        assert record["kind"] in ("user", "role")
        assert record["principal"].startswith(f"arn:aws:iam::{ACCOUNT}:")
        for path in record["paths"]:
            assert set(path) == {"methods", "steps", "target", "conditional", "assumed"}
            assert all(isinstance(m, str) and m in PATHFINDING_IDS for m in path["methods"])
            assert all(isinstance(step, str) for step in path["steps"])
            assert isinstance(path["conditional"], bool)
            assert isinstance(path["assumed"], bool)
            assert path["target"] == "admin" or path["target"].startswith("arn:aws:iam::")
    bob = next(record for record in records if record["principal"] == arn("user", "bob"))
    assert bob == {
        "principal": arn("user", "bob"),
        "kind": "user",
        "paths": [
            {
                "methods": ["sts-001", "iam-005"],
                "steps": [
                    "user/bob -> sts:AssumeRole -> role/ops",
                    "role/ops -> iam:PutRolePolicy on role/ops -> admin",
                ],
                "target": "admin",
                "conditional": False,
                "assumed": False,
            }
        ],
    }


def test_self_edit_through_a_policy_variable() -> None:
    model = build(users=[user("dev", inline("p", allow("iam:PutUserPolicy", arn("user", "${aws:username}"))))])
    assert methods_of(escalations(model)["user/dev"]) == {("iam-007",)}


def test_self_attach_pinned_to_an_admin_equivalent_customer_policy() -> None:
    pinned = {"ArnEquals": {"iam:PolicyARN": arn("policy", "break-glass")}}
    model = build(
        users=[user("alice", inline("p", allow("iam:AttachUserPolicy", arn("user", "alice"), Condition=pinned)))],
        policies=[managed("break-glass", doc(allow("*")))],
    )
    assert methods_of(escalations(model)["user/alice"]) == {("iam-008",)}


def test_trap_deny_on_every_function_arn() -> None:
    every_function = f"arn:aws:lambda:*:{ACCOUNT}:function:*"
    model = build(
        users=[
            user(
                "dev",
                inline(
                    "p",
                    allow(["lambda:CreateFunction", "lambda:InvokeFunction"]),
                    allow("iam:PassRole", arn("role", "admin-fn")),
                    deny("lambda:CreateFunction", every_function),
                ),
            )
        ],
        roles=[admin_role("admin-fn", service("lambda"))],
        policies=[ADMINISTRATOR_ACCESS],
    )
    assert escalations(model) == {}


def test_paths_do_not_revisit_their_principal() -> None:
    model = build(
        users=[
            user(
                "a",
                inline("p", allow("iam:PutUserPolicy", arn("user", "a")), allow("sts:AssumeRole", arn("role", "b"))),
            )
        ],
        roles=[
            role("b", trust({"AWS": arn("user", "a")}), inline("p", allow("iam:CreateAccessKey", arn("user", "a"))))
        ],
    )
    for path in escalations(model)["user/a"].paths:
        sources = [hop.source for hop in path.hops]
        assert len(sources) == len(set(sources)), path.to_json()["steps"]
