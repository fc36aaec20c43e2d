"""The identity model of a collected inventory (a live scan or a snapshot).

The collector stores IAM users, roles, groups and customer managed policies as GetAccountAuthorizationDetails
items, and the account's attached AWS managed policies as the ``AttachedAWSManagedPolicies`` supplement,
so the model is built by the same reader as a GAAD file. Resource policies (buckets, functions) and the
resources that run as roles (functions, instances) come from their own resource types.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cloudward.iam.gaad import add_gaad_items
from cloudward.iam.model import AccountModel, ManagedPolicy, RunsAs, compile_or_error
from cloudward.inventory import Inventory, Resource, UnknownAttributeError

IAM_TYPES = ("AWS::IAM::User", "AWS::IAM::Role", "AWS::IAM::Group", "AWS::IAM::Policy")
ACCOUNT = "AWS::::Account"
REQUIRES = (*IAM_TYPES, f"{ACCOUNT}.AttachedAWSManagedPolicies")
"""What a check built on the identity model declares in ``requires``."""

_CACHE_ATTRIBUTE = "_cloudward_identity_model"
RUNS_AS_TYPES = ("AWS::Lambda::Function", "AWS::EC2::Instance")
"""The resource types the collector reads that run as roles; others (CodeBuild projects, stacks...) are
not collected, so the escalation search assumes them."""


def _listed(inventory: Inventory, resource_type: str) -> bool:
    """Whether every region's listing of a type succeeded (an incomplete listing must not hide a path)."""
    try:
        inventory.of_type(resource_type)
    except UnknownAttributeError:
        return False
    return True


def model_from_inventory(inventory: Inventory) -> AccountModel:
    """The identity model of an inventory, built once and kept on the inventory object.

    Raises:
        UnknownAttributeError: an IAM listing failed or was not collected (the model would be incomplete).
    """
    cached = getattr(inventory, _CACHE_ATTRIBUTE, None)
    if isinstance(cached, AccountModel):
        return cached
    model = AccountModel(account_id=inventory.account_id, now=inventory.collected_at)
    items = {kind: [r.configuration for r in inventory.of_type(kind)] for kind in IAM_TYPES}
    add_gaad_items(
        model,
        users=items["AWS::IAM::User"],
        groups=items["AWS::IAM::Group"],
        roles=items["AWS::IAM::Role"],
        policies=items["AWS::IAM::Policy"],
    )
    _add_aws_managed(model, inventory)
    _add_resource_policies(model, inventory)
    model.runs_as.extend(_runs_as(inventory, model))
    model.known_types = frozenset(kind for kind in RUNS_AS_TYPES if _listed(inventory, kind))
    model.finish()
    setattr(inventory, _CACHE_ATTRIBUTE, model)
    return model


def _add_aws_managed(model: AccountModel, inventory: Inventory) -> None:
    """Attached AWS managed policies; when they could not be read, each one stays unreadable with the reason."""
    for account in inventory.of_type_unchecked(ACCOUNT):
        try:
            policies = account.supplement("AttachedAWSManagedPolicies")
        except UnknownAttributeError as exc:
            reason = f"AWS managed policies could not be read: {exc}"
            for principal in model.principals.values():
                for arn in principal.managed:
                    if arn.startswith("arn:aws:iam::aws:policy/") and arn not in model.policies:
                        model.policies[arn] = ManagedPolicy(arn, arn.rsplit("/", 1)[-1], None, reason)
            return
        add_gaad_items(model, users=(), groups=(), roles=(), policies=policies or [])


def _add_resource_policies(model: AccountModel, inventory: Inventory) -> None:
    for kind, supplement in (("AWS::S3::Bucket", "BucketPolicy"), ("AWS::Lambda::Function", "Policy")):
        for resource in inventory.of_type_unchecked(kind):
            try:
                document = resource.supplement(supplement)
            except UnknownAttributeError as exc:
                model.errors.append(f"{resource.arn}: resource policy unreadable: {exc}")
                continue
            if document is None:
                continue
            policy, error = compile_or_error(document, f"resource policy of {resource.name}", resource.arn)
            if policy is None:
                model.errors.append(str(error))
            else:
                model.resource_policies[resource.arn] = policy


def _runs_as(inventory: Inventory, model: AccountModel) -> Iterator[RunsAs]:
    profiles = {
        profile: principal.arn for principal in model.principals.values() for profile in principal.instance_profiles
    }
    for function in inventory.of_type_unchecked("AWS::Lambda::Function"):
        role = function.configuration.get("Role")
        if isinstance(role, str):
            yield RunsAs("AWS::Lambda::Function", function.arn, role, {"url_auth": _url_auth(function)})
    for instance in inventory.of_type_unchecked("AWS::EC2::Instance"):
        config = instance.configuration
        profile = (config.get("IamInstanceProfile") or {}).get("Arn")
        role = profiles.get(profile) if isinstance(profile, str) else None
        if role is None:
            continue
        yield RunsAs(
            "AWS::EC2::Instance",
            instance.arn,
            role,
            {
                "name": instance.name,
                "public_ip": config.get("PublicIpAddress") or "",
                "imds_v1": (config.get("MetadataOptions") or {}).get("HttpTokens") != "required",
                "security_groups": [g.get("GroupId") for g in config.get("SecurityGroups") or [] if g.get("GroupId")],
                "state": (config.get("State") or {}).get("Name", ""),
            },
        )


def _url_auth(function: Resource) -> Any:
    try:
        url = function.supplement("FunctionUrlConfig")
    except UnknownAttributeError:
        return "unknown"
    return None if url is None else url.get("AuthType")
