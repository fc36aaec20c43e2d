"""The policy evaluator: AWS's evaluation logic over small GetAccountAuthorizationDetails documents.

The helpers at the top build GAAD items (account 111122223333); the privilege-escalation, attack-path and
CLI tests import them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from cloudward.iam.evaluate import Decision, Evaluator
from cloudward.iam.model import AccountModel
from cloudward.iam.policy import compile_policy

ACCOUNT = "111122223333"
NOW = datetime(2026, 11, 1, tzinfo=UTC)
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"

# ---- GAAD builders -------------------------------------------------------------------------------

Doc = dict[str, Any]


def arn(kind: str, name: str) -> str:
    """An IAM ARN in the test account: ``arn("user", "alice")``."""
    return f"arn:aws:iam::{ACCOUNT}:{kind}/{name}"


def allow(action: str | list[str] | None, resource: str | list[str] | None = "*", **extra: Any) -> Doc:
    """An Allow statement; ``extra`` adds elements (``Sid``, ``Condition``, ``NotAction``...)."""
    statement: Doc = {"Effect": "Allow"}
    if action is not None:
        statement["Action"] = action
    if resource is not None:
        statement["Resource"] = resource
    statement.update(extra)
    return statement


def deny(action: str | list[str] | None, resource: str | list[str] | None = "*", **extra: Any) -> Doc:
    """A Deny statement (see :func:`allow`)."""
    return {**allow(action, resource, **extra), "Effect": "Deny"}


def doc(*statements: Doc) -> Doc:
    """A policy document."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


def inline(name: str, *statements: Doc) -> Doc:
    """An inline policy entry of a user, role or group."""
    return {"PolicyName": name, "PolicyDocument": doc(*statements)}


def _attached(arns: Iterable[str]) -> list[Doc]:
    return [{"PolicyName": each.rsplit("/", 1)[-1], "PolicyArn": each} for each in arns]


def _tags(tags: Mapping[str, str] | None) -> list[Doc]:
    return [{"Key": key, "Value": value} for key, value in (tags or {}).items()]


def user(
    name: str,
    *policies: Doc,
    managed: Sequence[str] = (),
    groups: Sequence[str] = (),
    boundary: str | None = None,
    tags: Mapping[str, str] | None = None,
) -> Doc:
    """A ``UserDetailList`` item with inline ``policies`` (see :func:`inline`)."""
    item: Doc = {
        "UserName": name,
        "UserId": "AIDA" + name.upper(),
        "Arn": arn("user", name),
        "UserPolicyList": list(policies),
        "AttachedManagedPolicies": _attached(managed),
        "GroupList": list(groups),
        "Tags": _tags(tags),
    }
    if boundary:
        item["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}
    return item


def trust(*principals: Any, **extra: Any) -> Doc:
    """A trust policy allowing ``sts:AssumeRole`` to each principal (``{"AWS": arn}``, ``{"Service": name}``)."""
    return doc(*({"Effect": "Allow", "Principal": who, "Action": "sts:AssumeRole", **extra} for who in principals))


def service(name: str) -> Doc:
    """A trust policy for one service principal (``lambda`` -> ``lambda.amazonaws.com``)."""
    return trust({"Service": f"{name}.amazonaws.com"})


def role(
    name: str,
    trust_policy: Doc,
    *policies: Doc,
    managed: Sequence[str] = (),
    boundary: str | None = None,
    profile: bool = False,
    tags: Mapping[str, str] | None = None,
) -> Doc:
    """A ``RoleDetailList`` item; ``profile`` puts the role in an instance profile of the same name."""
    item: Doc = {
        "RoleName": name,
        "RoleId": "AROA" + name.upper(),
        "Arn": arn("role", name),
        "AssumeRolePolicyDocument": trust_policy,
        "RolePolicyList": list(policies),
        "AttachedManagedPolicies": _attached(managed),
        "InstanceProfileList": [{"Arn": arn("instance-profile", name)}] if profile else [],
        "Tags": _tags(tags),
    }
    if boundary:
        item["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}
    return item


def group(name: str, *policies: Doc, managed: Sequence[str] = ()) -> Doc:
    """A ``GroupDetailList`` item."""
    return {
        "GroupName": name,
        "Arn": arn("group", name),
        "GroupPolicyList": list(policies),
        "AttachedManagedPolicies": _attached(managed),
    }


def managed(name: str, document: Doc, *, aws: bool = False) -> Doc:
    """A ``Policies`` item (customer managed, or AWS managed with ``aws=True``) with one default version."""
    policy_arn = f"arn:aws:iam::aws:policy/{name}" if aws else arn("policy", name)
    return {
        "PolicyName": name,
        "Arn": policy_arn,
        "DefaultVersionId": "v1",
        "PolicyVersionList": [{"Document": document, "VersionId": "v1", "IsDefaultVersion": True}],
    }


ADMINISTRATOR_ACCESS = managed("AdministratorAccess", doc(allow("*")), aws=True)


def gaad(
    users: Sequence[Doc] = (), roles: Sequence[Doc] = (), groups: Sequence[Doc] = (), policies: Sequence[Doc] = ()
) -> Doc:
    """A GetAccountAuthorizationDetails document."""
    return {
        "UserDetailList": list(users),
        "GroupDetailList": list(groups),
        "RoleDetailList": list(roles),
        "Policies": list(policies),
    }


def build(
    users: Sequence[Doc] = (),
    roles: Sequence[Doc] = (),
    groups: Sequence[Doc] = (),
    policies: Sequence[Doc] = (),
    resources: Sequence[Doc] | None = None,
) -> AccountModel:
    """The account model of a GAAD document, judged at :data:`NOW`."""
    return AccountModel.from_gaad(gaad(users, roles, groups, policies), resources, now=NOW)


def decide(model: AccountModel, who: str, action: str, resource: str = "*", **context: str) -> Decision:
    """The decision of one request (context keys with ``__`` for ``:``... not needed: pass a mapping)."""
    return Evaluator(model).can(who, action, resource, context or None).decision


# ---- identity policies ---------------------------------------------------------------------------


def test_allow_through_inline_managed_and_group_policies() -> None:
    model = build(
        users=[
            user("inline", inline("p", allow("s3:GetObject", "arn:aws:s3:::data/*"))),
            user("managed", managed=[arn("policy", "read")]),
            user("member", groups=["readers"]),
            user("nobody"),
        ],
        groups=[group("readers", inline("g", allow("s3:GetObject", "arn:aws:s3:::data/*")))],
        policies=[managed("read", doc(allow("s3:GetObject", "arn:aws:s3:::data/*", Sid="Read")))],
    )
    ev = Evaluator(model)
    for who in ("inline", "managed", "member"):
        verdict = ev.can(who, "s3:GetObject", "arn:aws:s3:::data/report.csv")
        assert verdict.decision is Decision.ALLOWED, (who, verdict)
    assert 'managed policy read statement "Read"' in ev.can("managed", "s3:GetObject", "arn:aws:s3:::data/x").reason
    assert "group/readers" in ev.can("member", "s3:GetObject", "arn:aws:s3:::data/x").reason
    assert ev.can("nobody", "s3:GetObject", "arn:aws:s3:::data/x").decision is Decision.IMPLICIT_DENY
    assert ev.can("inline", "s3:GetObject", "arn:aws:s3:::other/x").decision is Decision.IMPLICIT_DENY
    assert ev.can("inline", "s3:PutObject", "arn:aws:s3:::data/x").decision is Decision.IMPLICIT_DENY


def test_explicit_deny_in_another_policy_wins_and_is_named() -> None:
    model = build(
        users=[user("alice", inline("allow-all", allow("*")), managed=[arn("policy", "guard")])],
        policies=[managed("guard", doc(deny("iam:*", Sid="NoIam")))],
    )
    verdict = Evaluator(model).can("alice", "iam:CreateUser", arn("user", "eve"))
    assert verdict.decision is Decision.DENIED
    assert 'managed policy guard statement "NoIam"' in verdict.reason
    assert decide(model, "alice", "s3:GetObject", "arn:aws:s3:::b/k") is Decision.ALLOWED


def test_not_action_allow() -> None:
    model = build(users=[user("u", inline("p", allow(None, NotAction=["s3:*"])))])
    assert decide(model, "u", "iam:CreateUser", arn("user", "x")) is Decision.ALLOWED
    assert decide(model, "u", "s3:GetObject", "arn:aws:s3:::b/k") is Decision.IMPLICIT_DENY


def test_not_resource_allow() -> None:
    model = build(users=[user("u", inline("p", allow("s3:*", None, NotResource=["arn:aws:s3:::secret/*"])))])
    assert decide(model, "u", "s3:GetObject", "arn:aws:s3:::public/k") is Decision.ALLOWED
    assert decide(model, "u", "s3:GetObject", "arn:aws:s3:::secret/k") is Decision.IMPLICIT_DENY


def test_wildcards_in_actions_and_arns_case_rules() -> None:
    model = build(
        users=[
            user(
                "u",
                inline(
                    "p",
                    allow("iam:Create*", "*"),
                    allow("S3:GETOBJECT", "arn:aws:s3:::logs-*/*"),
                    allow("s3:PutObject", "arn:aws:s3:::Upper-?/*"),
                ),
            )
        ]
    )
    assert decide(model, "u", "iam:CreateUser", arn("user", "x")) is Decision.ALLOWED
    assert decide(model, "u", "IAM:createrole", arn("role", "x")) is Decision.ALLOWED
    assert decide(model, "u", "iam:DeleteUser", arn("user", "x")) is Decision.IMPLICIT_DENY
    # action names match case-insensitively in both the policy and the request
    assert decide(model, "u", "s3:getobject", "arn:aws:s3:::logs-2026/app/x.log") is Decision.ALLOWED
    assert decide(model, "u", "s3:GetObject", "arn:aws:s3:::audit-2026/x") is Decision.IMPLICIT_DENY
    # ARNs match case-sensitively; ? is exactly one character
    assert decide(model, "u", "s3:GetObject", "arn:aws:s3:::LOGS-2026/x") is Decision.IMPLICIT_DENY
    assert decide(model, "u", "s3:PutObject", "arn:aws:s3:::Upper-1/k") is Decision.ALLOWED
    assert decide(model, "u", "s3:PutObject", "arn:aws:s3:::upper-1/k") is Decision.IMPLICIT_DENY
    assert decide(model, "u", "s3:PutObject", "arn:aws:s3:::Upper-12/k") is Decision.IMPLICIT_DENY


# ---- boundaries and organization policies --------------------------------------------------------


def test_permissions_boundary_caps_identity_allow() -> None:
    model = build(
        users=[user("capped", inline("p", allow("*")), boundary=arn("policy", "s3-only"))],
        policies=[managed("s3-only", doc(allow("s3:*")))],
    )
    ev = Evaluator(model)
    assert ev.can("capped", "s3:GetObject", "arn:aws:s3:::b/k").decision is Decision.ALLOWED
    verdict = ev.can("capped", "iam:CreateUser", arn("user", "x"))
    assert verdict.decision is Decision.IMPLICIT_DENY
    assert "permissions boundary of user/capped" in verdict.reason
    # the boundary alone grants nothing
    bare = build(
        users=[user("bare", boundary=arn("policy", "s3-only"))], policies=[managed("s3-only", doc(allow("*")))]
    )
    assert decide(bare, "bare", "s3:GetObject", "arn:aws:s3:::b/k") is Decision.IMPLICIT_DENY


def test_scp_every_level_must_allow_and_any_deny_wins() -> None:
    model = build(users=[user("u", inline("p", allow("*")))])
    model.scps = [
        [compile_policy(doc(allow("*")), "SCP root")],
        [compile_policy(doc(allow(["s3:*", "ec2:*"])), "SCP ou"), compile_policy(doc(allow("iam:Get*")), "SCP ou2")],
    ]
    ev = Evaluator(model)
    assert ev.can("u", "s3:GetObject", "arn:aws:s3:::b/k").decision is Decision.ALLOWED
    assert ev.can("u", "iam:GetUser", arn("user", "u")).decision is Decision.ALLOWED  # a second policy of level 2
    verdict = ev.can("u", "iam:CreateUser", arn("user", "x"))
    assert verdict.decision is Decision.IMPLICIT_DENY
    assert "no SCP at level 2 allows it" in verdict.reason
    assert "level 1" not in verdict.reason

    denied = build(users=[user("u", inline("p", allow("*")))])
    denied.scps = [
        [compile_policy(doc(allow("*"), deny("ec2:TerminateInstances", Sid="KeepEc2")), "SCP root")],
        [compile_policy(doc(allow("*")), "SCP ou")],
    ]
    verdict = Evaluator(denied).can("u", "ec2:TerminateInstances", "*")
    assert verdict.decision is Decision.DENIED
    assert 'SCP root statement "KeepEc2"' in verdict.reason
    assert decide(denied, "u", "ec2:StartInstances") is Decision.ALLOWED


# ---- resource policies ---------------------------------------------------------------------------

BUCKET = "arn:aws:s3:::shared"


def _bucket_policy(principal: Any) -> Any:
    return compile_policy(
        doc(allow("s3:GetObject", f"{BUCKET}/*", Principal=principal, Sid="Share")), "bucket policy of shared"
    )


def test_bucket_policy_naming_the_user_needs_no_identity_policy() -> None:
    model = build(users=[user("reader"), user("other")])
    model.resource_policies[BUCKET] = _bucket_policy({"AWS": arn("user", "reader")})
    ev = Evaluator(model)
    verdict = ev.can("reader", "s3:GetObject", f"{BUCKET}/k")
    assert verdict.decision is Decision.ALLOWED
    assert 'bucket policy of shared statement "Share"' in verdict.reason
    assert ev.can("other", "s3:GetObject", f"{BUCKET}/k").decision is Decision.IMPLICIT_DENY
    assert ev.can("reader", "s3:PutObject", f"{BUCKET}/k").decision is Decision.IMPLICIT_DENY


def test_bucket_policy_naming_the_account_needs_an_identity_policy() -> None:
    model = build(users=[user("plain"), user("granted", inline("p", allow("s3:GetObject")))])
    model.resource_policies[BUCKET] = _bucket_policy({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    assert decide(model, "plain", "s3:GetObject", f"{BUCKET}/k") is Decision.IMPLICIT_DENY
    assert decide(model, "granted", "s3:GetObject", f"{BUCKET}/k") is Decision.ALLOWED


def test_bucket_policy_naming_a_role_is_capped_by_its_boundary() -> None:
    model = build(
        roles=[
            role("free", service("ec2")),
            role("capped", service("ec2"), boundary=arn("policy", "ec2-only")),
        ],
        policies=[managed("ec2-only", doc(allow("ec2:*")))],
    )
    model.resource_policies[BUCKET] = compile_policy(
        doc(allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": [arn("role", "free"), arn("role", "capped")]})),
        "bucket policy of shared",
    )
    assert decide(model, "role/free", "s3:GetObject", f"{BUCKET}/k") is Decision.ALLOWED
    verdict = Evaluator(model).can("role/capped", "s3:GetObject", f"{BUCKET}/k")
    assert verdict.decision is Decision.IMPLICIT_DENY
    assert "permissions boundary of role/capped" in verdict.reason


def test_assume_role_needs_the_trust_policy() -> None:
    model = build(
        users=[user("dev", inline("p", allow("sts:AssumeRole"))), user("stranger")],
        roles=[
            role("named", trust({"AWS": arn("user", "dev")})),
            role("account", trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})),
            role("lambda", service("lambda")),
        ],
    )
    ev = Evaluator(model)
    assert ev.can("dev", "sts:AssumeRole", arn("role", "named")).decision is Decision.ALLOWED
    assert ev.can("dev", "sts:AssumeRole", arn("role", "account")).decision is Decision.ALLOWED
    verdict = ev.can("dev", "sts:AssumeRole", arn("role", "lambda"))
    assert verdict.decision is Decision.IMPLICIT_DENY
    assert f"trust policy of {arn('role', 'lambda')} does not allow user/dev" in verdict.reason
    # a trust policy that names the account delegates to the identity policies
    assert ev.can("stranger", "sts:AssumeRole", arn("role", "account")).decision is Decision.IMPLICIT_DENY


# ---- conditions ----------------------------------------------------------------------------------


def _team_only(value: str) -> Doc:
    return inline("p", allow("s3:GetObject", Condition={"StringEquals": {"aws:PrincipalTag/team": value}}))


def test_principal_tags_decide_conditions() -> None:
    model = build(
        users=[
            user("dev", _team_only("data"), tags={"team": "data"}),
            user("ops", _team_only("data"), tags={"team": "ops"}),
        ]
    )
    assert decide(model, "dev", "s3:GetObject", "arn:aws:s3:::b/k") is Decision.ALLOWED
    assert decide(model, "ops", "s3:GetObject", "arn:aws:s3:::b/k") is Decision.IMPLICIT_DENY


def test_unknown_context_key_is_conditional_until_given() -> None:
    mfa = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    model = build(users=[user("u", inline("p", allow("ec2:TerminateInstances", Condition=mfa, Sid="Mfa")))])
    ev = Evaluator(model)
    verdict = ev.can("u", "ec2:TerminateInstances")
    assert verdict.decision is Decision.CONDITIONAL
    assert any("aws:multifactorauthpresent" in line.lower() for line in verdict.conditions)
    assert '"Mfa"' in verdict.reason
    assert ev.can("u", "ec2:TerminateInstances", context={"aws:MultiFactorAuthPresent": "true"}).allowed
    refused = ev.can("u", "ec2:TerminateInstances", context={"aws:MultiFactorAuthPresent": "false"})
    assert refused.decision is Decision.IMPLICIT_DENY


def test_current_time_in_the_past_is_never_true() -> None:
    expired = {"DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}
    current = {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}
    model = build(
        users=[
            user("old", inline("p", allow("s3:GetObject", Condition=expired))),
            user("new", inline("p", allow("s3:GetObject", Condition=current))),
        ]
    )
    assert decide(model, "old", "s3:GetObject", "arn:aws:s3:::b/k") is Decision.IMPLICIT_DENY
    assert decide(model, "new", "s3:GetObject", "arn:aws:s3:::b/k") is Decision.ALLOWED


def test_policy_variable_in_resource() -> None:
    home = inline("home", allow("s3:*", "arn:aws:s3:::home/${aws:username}/*"))
    model = build(users=[user("alice", home), user("bob", home)])
    assert decide(model, "alice", "s3:PutObject", "arn:aws:s3:::home/alice/notes.txt") is Decision.ALLOWED
    assert decide(model, "alice", "s3:PutObject", "arn:aws:s3:::home/bob/notes.txt") is Decision.IMPLICIT_DENY
    assert decide(model, "bob", "s3:PutObject", "arn:aws:s3:::home/bob/notes.txt") is Decision.ALLOWED


def test_policy_variable_absent_for_a_role_matches_nothing() -> None:
    model = build(
        roles=[role("r", service("ec2"), inline("home", allow("s3:*", "arn:aws:s3:::home/${aws:username}/*")))]
    )
    assert decide(model, "role/r", "s3:PutObject", "arn:aws:s3:::home/r/x") is Decision.IMPLICIT_DENY


def test_unreadable_policy_makes_the_answer_unknown() -> None:
    broken = {"PolicyName": "broken", "PolicyDocument": {"Statement": [{"Effect": "Maybe", "Action": "*"}]}}
    model = build(users=[user("u", inline("ok", allow("s3:GetObject")), broken)])
    verdict = Evaluator(model).can("u", "s3:GetObject", "arn:aws:s3:::b/k")
    assert verdict.decision is Decision.UNKNOWN
    assert "broken" in verdict.reason
    assert "cannot tell" in verdict.reason
    # an explicit deny still decides: no unreadable Allow could override it
    denied = build(users=[user("u", inline("no", deny("s3:*")), broken)])
    assert decide(denied, "u", "s3:GetObject", "arn:aws:s3:::b/k") is Decision.DENIED


def test_missing_managed_policy_makes_the_answer_unknown() -> None:
    model = build(users=[user("u", inline("ok", allow("*")), managed=[arn("policy", "absent")])])
    verdict = Evaluator(model).can("u", "s3:GetObject", "arn:aws:s3:::b/k")
    assert verdict.decision is Decision.UNKNOWN
    assert "policy/absent" in verdict.reason


# ---- who-can and administrators ------------------------------------------------------------------


def test_who_can_lists_exactly_the_allowed_principals() -> None:
    model = build(
        users=[
            user("reader", inline("p", allow("s3:GetObject", "arn:aws:s3:::data/*"))),
            user("denied", inline("p", allow("s3:*"), deny("s3:GetObject"))),
            user("writer", inline("p", allow("s3:PutObject"))),
            user("member", groups=["g"]),
        ],
        roles=[
            role("etl", service("glue"), inline("p", allow("s3:Get*", "arn:aws:s3:::data/*"))),
            role("idle", service("glue")),
        ],
        groups=[group("g", inline("p", allow("s3:*", "arn:aws:s3:::data/*")))],
    )
    found = Evaluator(model).who_can("s3:GetObject", "arn:aws:s3:::data/x")
    assert [p.short for p, _ in found] == ["role/etl", "user/member", "user/reader"]
    assert all(verdict.decision is Decision.ALLOWED for _, verdict in found)


def _admin_model() -> AccountModel:
    return build(
        users=[
            user("admin", managed=[ADMIN_ARN]),
            user("iam-only", inline("p", allow("iam:*"))),
            user("power", inline("p", allow(None, NotAction=["iam:*", "organizations:*", "account:*"]))),
            user("denied", inline("d", deny("iam:*")), managed=[ADMIN_ARN]),
            user("bounded", managed=[ADMIN_ARN], boundary=arn("policy", "s3-all")),
            user("conditional", inline("p", allow("*", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))),
        ],
        policies=[ADMINISTRATOR_ACCESS, managed("s3-all", doc(allow("s3:*")))],
    )


def test_is_admin() -> None:
    model = _admin_model()
    ev = Evaluator(model)
    verdicts = {p.name: ev.is_admin(p) for p in model.principals.values()}
    assert verdicts == {
        "admin": True,
        "iam-only": False,
        "power": False,
        "denied": False,
        "bounded": False,
        "conditional": False,
    }


def test_is_admin_respects_scps() -> None:
    model = build(users=[user("admin", managed=[ADMIN_ARN])], policies=[ADMINISTRATOR_ACCESS])
    assert Evaluator(model).is_admin(model.principal("admin"))
    model.scps = [[compile_policy(doc(allow("*"), deny("iam:PutRolePolicy")), "SCP root")]]
    assert not Evaluator(model).is_admin(model.principal("admin"))


def test_boundary_reason_names_the_boundary_policy() -> None:
    model = build(
        users=[user("capped", inline("p", allow("*")), boundary=arn("policy", "s3-only"))],
        policies=[managed("s3-only", doc(allow("s3:*")))],
    )
    assert "s3-only" in Evaluator(model).can("capped", "iam:CreateUser", arn("user", "x")).reason


def test_principal_tag_the_user_does_not_have() -> None:
    model = build(users=[user("untagged", _team_only("data"), tags={"owner": "me"})])
    assert decide(model, "untagged", "s3:GetObject", "arn:aws:s3:::b/k") is Decision.IMPLICIT_DENY


def test_url_encoded_documents_are_read() -> None:
    encoded = quote(json.dumps(doc(allow("s3:GetObject", Sid="Encoded"))))
    trust_encoded = quote(json.dumps(trust({"AWS": arn("user", "u")})))
    document = gaad(
        users=[
            {
                **user("u", inline("assume", allow("sts:AssumeRole"))),
                "UserPolicyList": [
                    {"PolicyName": "enc", "PolicyDocument": encoded},
                    {"PolicyName": "assume", "PolicyDocument": doc(allow("sts:AssumeRole"))},
                ],
            }
        ],
        roles=[{**role("r", service("ec2")), "AssumeRolePolicyDocument": trust_encoded}],
    )
    ev = Evaluator(AccountModel.from_gaad(document, now=NOW))
    verdict = ev.can("u", "s3:GetObject", "arn:aws:s3:::b/k")
    assert verdict.decision is Decision.ALLOWED
    assert '"Encoded"' in verdict.reason
    assert ev.can("u", "sts:AssumeRole", arn("role", "r")).allowed


def test_kms_key_policy_must_allow() -> None:
    key = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k1"
    delegating = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k2"
    model = build(users=[user("decrypter", inline("p", allow("kms:Decrypt"))), user("named"), user("plain")])
    model.resource_policies[key] = compile_policy(
        doc(allow("kms:Decrypt", Principal={"AWS": arn("user", "named")})), "key policy of k1"
    )
    model.resource_policies[delegating] = compile_policy(
        doc(allow("kms:*", Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"})), "key policy of k2"
    )
    ev = Evaluator(model)
    refused = ev.can("decrypter", "kms:Decrypt", key)
    assert refused.decision is Decision.IMPLICIT_DENY  # an identity Allow is not enough for a key
    assert f"resource policy of {key} does not allow user/decrypter" in refused.reason
    assert ev.can("named", "kms:Decrypt", key).allowed
    assert ev.can("decrypter", "kms:Decrypt", delegating).allowed
    assert ev.can("plain", "kms:Decrypt", delegating).decision is Decision.IMPLICIT_DENY


def test_rcp_deny_decides() -> None:
    def rcp_with(condition: Doc) -> Decision:
        model = build(users=[user("u", inline("p", allow("s3:*")))])
        guard = deny("s3:*", Principal="*", Condition=condition, Sid="Perimeter")
        model.rcps = [[compile_policy(doc(allow("*", Principal="*"), guard), "RCP root")]]
        return decide(model, "u", "s3:GetObject", "arn:aws:s3:::b/k")

    assert rcp_with({"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}}) is Decision.ALLOWED
    assert rcp_with({"StringNotEquals": {"aws:PrincipalAccount": "999988887777"}}) is Decision.DENIED


def test_aws_managed_policy_left_out_of_the_gaad_file_comes_from_the_maintained_copy() -> None:
    """An export filtered to LocalManagedPolicy references AdministratorAccess without its document."""
    model = build(users=[user("admin", managed=[ADMIN_ARN]), user("ghost", managed=[ADMIN_ARN + "-NoSuchPolicy"])])
    ev = Evaluator(model)
    admin = model.principal("admin")
    assert not admin.unreadable
    assert ev.is_admin(admin)
    assert "document from moto's copy" in ev.can("admin", "s3:GetObject", "arn:aws:s3:::b/k").reason
    ghost = model.principal("ghost")
    assert ghost.unreadable and ev.can("ghost", "s3:GetObject").decision is Decision.UNKNOWN
