"""Reading GetAccountAuthorizationDetails output (the format PMapper and Cloudsplaining read) into an
:class:`~cloudward.iam.model.AccountModel`.

The same item shapes are what the collector stores as the configuration of ``AWS::IAM::User``,
``AWS::IAM::Role``, ``AWS::IAM::Group`` and ``AWS::IAM::Policy`` resources, so a snapshot goes through
:func:`add_gaad_items` too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from cloudward.iam.model import AccountModel, Group, ManagedPolicy, Principal, compile_or_error


def read_gaad(gaad: Mapping[str, Any], *, now: datetime | None = None) -> AccountModel:
    """Build a model from a GAAD document; the account id comes from the first ARN in it."""
    if not isinstance(gaad, Mapping):
        raise ValueError("the authorization details are not a JSON object")
    known = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
    if not any(key in gaad for key in known):
        raise ValueError(f"not GetAccountAuthorizationDetails output: none of {', '.join(known)} is present")
    model = AccountModel(account_id=_account_of(gaad))
    if now is not None:
        model.now = now
    add_gaad_items(
        model,
        users=_items(gaad, "UserDetailList", model.errors),
        groups=_items(gaad, "GroupDetailList", model.errors),
        roles=_items(gaad, "RoleDetailList", model.errors),
        policies=_items(gaad, "Policies", model.errors),
    )
    return model


def _items(gaad: Mapping[str, Any], key: str, errors: list[str]) -> list[Mapping[str, Any]]:
    value = gaad.get(key) or []
    if not isinstance(value, list):
        errors.append(f"{key} is not a list; ignored")
        return []
    good = [item for item in value if isinstance(item, Mapping)]
    if len(good) != len(value):
        errors.append(f"{key}: {len(value) - len(good)} entries are not objects; ignored")
    return good


def _account_of(gaad: Mapping[str, Any]) -> str:
    for key in ("UserDetailList", "RoleDetailList", "GroupDetailList", "Policies"):
        for item in gaad.get(key) or []:
            arn = item.get("Arn") if isinstance(item, Mapping) else None
            if isinstance(arn, str) and arn.count(":") >= 5:
                account = arn.split(":")[4]
                if account.isdigit():
                    return account
    return "000000000000"


def add_gaad_items(
    model: AccountModel,
    *,
    users: Iterable[Mapping[str, Any]],
    groups: Iterable[Mapping[str, Any]],
    roles: Iterable[Mapping[str, Any]],
    policies: Iterable[Mapping[str, Any]],
) -> None:
    """Add GAAD items (users, groups, roles, managed policies) to a model; bad items go to ``model.errors``."""
    for item in policies:
        _add_policy(model, item)
    group_arns: dict[str, str] = {}
    for item in groups:
        group = _group(item, model)
        if group is not None:
            model.groups[group.arn] = group
            group_arns[group.name] = group.arn
    for kind, items in (("user", users), ("role", roles)):
        for item in items:
            principal = _principal(item, kind, model, group_arns)
            if principal is not None:
                model.principals[principal.arn] = principal


def _add_policy(model: AccountModel, item: Mapping[str, Any]) -> None:
    arn = item.get("Arn")
    if not isinstance(arn, str):
        model.errors.append("a managed policy without an Arn; ignored")
        return
    name = str(item.get("PolicyName") or arn.rsplit("/", 1)[-1])
    default = item.get("DefaultVersionId")
    versions = [v for v in item.get("PolicyVersionList") or [] if isinstance(v, Mapping)]
    chosen = next((v for v in versions if v.get("IsDefaultVersion") is True), None)
    if chosen is None:
        chosen = next((v for v in versions if v.get("VersionId") == default), None)
    if chosen is None or "Document" not in chosen:
        model.policies[arn] = ManagedPolicy(arn, name, None, "its default version's document is not in the input")
        return
    policy, error = compile_or_error(chosen["Document"], f"managed policy {name}", arn)
    managed = model.policies[arn] = ManagedPolicy(arn, name, policy, error)
    for version in versions:
        if version is chosen or "Document" not in version:
            continue
        label = f"managed policy {name} version {version.get('VersionId', '?')}"
        old, _ = compile_or_error(version["Document"], label, arn)
        if old is not None:  # an unreadable old version cannot be judged; it is not the one in force
            managed.other_versions.append((str(version.get("VersionId", "?")), old))


def _inline(item: Mapping[str, Any], key: str, holder: str, problems: list[str]) -> list[Any]:
    compiled = []
    for entry in item.get(key) or []:
        if not isinstance(entry, Mapping):
            problems.append(f"{key} of {holder} holds an entry that is not an object")
            continue
        name = str(entry.get("PolicyName", "?"))
        policy, error = compile_or_error(entry.get("PolicyDocument"), f"inline policy {name!r} of {holder}")
        if policy is None:
            problems.append(str(error))
        else:
            compiled.append(policy)
    return compiled


def _managed_arns(item: Mapping[str, Any]) -> list[str]:
    return [
        str(entry["PolicyArn"])
        for entry in item.get("AttachedManagedPolicies") or []
        if isinstance(entry, Mapping) and isinstance(entry.get("PolicyArn"), str)
    ]


def _group(item: Mapping[str, Any], model: AccountModel) -> Group | None:
    arn, name = item.get("Arn"), item.get("GroupName")
    if not isinstance(arn, str) or not isinstance(name, str):
        model.errors.append("a group without Arn or GroupName; ignored")
        return None
    problems: list[str] = []
    group = Group(arn, name, _inline(item, "GroupPolicyList", f"group/{name}", problems), _managed_arns(item))
    group.unreadable.extend(problems)
    return group


def _principal(
    item: Mapping[str, Any], kind: str, model: AccountModel, group_arns: Mapping[str, str]
) -> Principal | None:
    name_key = "UserName" if kind == "user" else "RoleName"
    arn, name = item.get("Arn"), item.get(name_key)
    if not isinstance(arn, str) or not isinstance(name, str):
        model.errors.append(f"a {kind} without Arn or {name_key}; ignored")
        return None
    problems: list[str] = []
    holder = f"{kind}/{name}"
    principal = Principal(
        arn=arn,
        kind=kind,
        name=name,
        account_id=arn.split(":")[4] if arn.count(":") >= 5 else model.account_id,
        unique_id=str(item.get("UserId") or item.get("RoleId") or ""),
        inline=_inline(item, "UserPolicyList" if kind == "user" else "RolePolicyList", holder, problems),
        managed=_managed_arns(item),
        tags={
            str(tag["Key"]): str(tag.get("Value", ""))
            for tag in item.get("Tags") or []
            if isinstance(tag, Mapping) and "Key" in tag
        },
    )
    boundary = item.get("PermissionsBoundary")
    if isinstance(boundary, Mapping) and isinstance(boundary.get("PermissionsBoundaryArn"), str):
        principal.boundary = str(boundary["PermissionsBoundaryArn"])
    if kind == "user":
        for group in item.get("GroupList") or []:
            if isinstance(group, str):
                principal.groups.append(group_arns.get(group, _group_arn(arn, group)))
    else:
        trust, error = compile_or_error(item.get("AssumeRolePolicyDocument"), f"trust policy of {holder}")
        principal.trust = trust
        principal.trust_error = error
        principal.instance_profiles = [
            str(profile["Arn"])
            for profile in item.get("InstanceProfileList") or []
            if isinstance(profile, Mapping) and isinstance(profile.get("Arn"), str)
        ]
        last_used = item.get("RoleLastUsed")
        if isinstance(last_used, Mapping) and last_used.get("LastUsedDate"):
            principal.last_used = str(last_used["LastUsedDate"])
    principal.unreadable.extend(problems)
    return principal


def _group_arn(user_arn: str, group: str) -> str:
    account = user_arn.split(":")[4] if user_arn.count(":") >= 5 else "000000000000"
    return f"arn:aws:iam::{account}:group/{group}"
