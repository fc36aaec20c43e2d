"""The account's identity model: principals, groups, managed policies, resource policies and the
resources that run as roles, read from GetAccountAuthorizationDetails (GAAD) or from a snapshot.

Everything is compiled once (:mod:`cloudward.iam.policy`). A document that cannot be read is never
dropped silently: the principal that carries it is marked ``unreadable`` with the reason, and every
answer about that principal says so instead of reading the policy as empty.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cloudward.iam.conditions import RequestContext
from cloudward.iam.policy import Policy, compile_policy
from cloudward.inventory import UnknownAttributeError

AWS_MANAGED_PREFIX = "arn:aws:iam::aws:policy/"


@dataclass(frozen=True, slots=True)
class RunsAs:
    """A resource that runs with a role's credentials (a function, an instance, a build project...)."""

    type: str
    """CloudFormation type name: ``AWS::Lambda::Function``, ``AWS::EC2::Instance``, ..."""
    arn: str
    role: str
    """The role's ARN (for an instance: the role of its instance profile)."""
    attrs: Mapping[str, Any] = field(default_factory=dict)
    """What else the attack-path analysis reads (``public_ip``, ``imds_v1``, ``url_auth``, ``security_groups``)."""


@dataclass(slots=True)
class ManagedPolicy:
    """A managed policy (customer or AWS) with its default version compiled."""

    arn: str
    name: str
    policy: Policy | None
    """None when the default version could not be read (see ``error``) or was not in the input."""
    error: str | None = None
    other_versions: list[tuple[str, Policy]] = field(default_factory=list)
    """Readable non-default versions, by version id: ``iam:SetDefaultPolicyVersion`` can bring them back."""

    @property
    def aws_managed(self) -> bool:
        """Whether AWS owns the policy (nobody in the account can create versions of it)."""
        return self.arn.startswith(AWS_MANAGED_PREFIX)


@dataclass(slots=True)
class Group:
    """An IAM group: its policies and members."""

    arn: str
    name: str
    inline: list[Policy] = field(default_factory=list)
    managed: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    """Why some of its inline policies could not be read (every member inherits these)."""


@dataclass(slots=True)
class Principal:
    """An IAM user or role with every policy that applies to it."""

    arn: str
    kind: str
    """``user`` or ``role``."""
    name: str
    account_id: str
    unique_id: str = ""
    inline: list[Policy] = field(default_factory=list)
    managed: list[str] = field(default_factory=list)
    """ARNs of managed policies attached directly."""
    groups: list[str] = field(default_factory=list)
    """ARNs of the groups a user belongs to."""
    boundary: str | None = None
    """ARN of the permissions boundary policy."""
    trust: Policy | None = None
    """A role's trust policy."""
    trust_error: str | None = None
    """Why the trust policy could not be read: who may assume the role cannot be told (its own permissions can)."""
    tags: dict[str, str] = field(default_factory=dict)
    instance_profiles: list[str] = field(default_factory=list)
    last_used: str | None = None
    unreadable: list[str] = field(default_factory=list)
    """Why some of its policies could not be read; answers about this principal carry these reasons."""

    @property
    def short(self) -> str:
        """``user/alice`` or ``role/ci``: the name as paths print it."""
        return f"{self.kind}/{self.name}"

    def context(self, now: datetime) -> RequestContext:
        """The request context keys AWS sets for this principal; every other key stays unknown."""
        values: dict[str, tuple[str, ...] | None] = {
            "aws:principalarn": (self.arn,),
            "aws:principalaccount": (self.account_id,),
            "aws:principaltype": ("User" if self.kind == "user" else "AssumedRole",),
            "aws:currenttime": (now.strftime("%Y-%m-%dT%H:%M:%SZ"),),
            "aws:epochtime": (str(int(now.timestamp())),),
            "aws:username": (self.name,) if self.kind == "user" else None,
        }
        if self.unique_id and self.kind == "user":
            values["aws:userid"] = (self.unique_id,)
        for key, value in self.tags.items():
            values[f"aws:principaltag/{key.lower()}"] = (value,)
        return RequestContext(values)


@dataclass(slots=True)
class AccountModel:
    """One account's identity configuration, ready for evaluation."""

    account_id: str
    principals: dict[str, Principal] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    policies: dict[str, ManagedPolicy] = field(default_factory=dict)
    resource_policies: dict[str, Policy] = field(default_factory=dict)
    """Resource-based policies by resource ARN (bucket, key, function, secret, queue, topic...)."""
    runs_as: list[RunsAs] = field(default_factory=list)
    known_types: frozenset[str] | None = frozenset()
    """Resource types whose ``runs_as`` entries are complete; None: all of them (a resources file). For the
    other types, existing-resource paths are assumed (a resource of that kind may run as any role)."""
    scps: list[list[Policy]] = field(default_factory=list)
    """Service control policies, one list per level of the organization (root first): each level must allow."""
    rcps: list[list[Policy]] = field(default_factory=list)
    """Resource control policies, one list per level."""
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    errors: list[str] = field(default_factory=list)
    """Input problems that are not one principal's (a file entry of an unexpected shape)."""

    def knows(self, resource_type: str) -> bool:
        """Whether the resources of a type that run as roles are all known."""
        return self.known_types is None or resource_type in self.known_types

    def principal(self, name_or_arn: str) -> Principal:
        """Find a principal by ARN, ``user/name``, ``role/name`` or bare name.

        Raises:
            KeyError: no such principal, or a bare name that is both a user and a role.
        """
        if name_or_arn in self.principals:
            return self.principals[name_or_arn]
        found = [p for p in self.principals.values() if name_or_arn in (p.short, p.name)]
        if len(found) == 1:
            return found[0]
        if found:
            raise KeyError(f"{name_or_arn!r} is ambiguous: {', '.join(sorted(p.short for p in found))}")
        raise KeyError(f"no user or role {name_or_arn!r} in account {self.account_id}")

    def identity_policies(self, principal: Principal) -> list[Policy]:
        """Inline and managed policies of the principal and of its groups (unreadable ones left out)."""
        found = list(principal.inline)
        found.extend(self._managed(principal.managed))
        for group_arn in principal.groups:
            group = self.groups.get(group_arn)
            if group is not None:
                found.extend(group.inline)
                found.extend(self._managed(group.managed))
        return found

    def boundary(self, principal: Principal) -> Policy | None:
        """The compiled permissions boundary, or None without one."""
        if principal.boundary is None:
            return None
        managed = self.policies.get(principal.boundary)
        return managed.policy if managed else None

    def attached_to(self, principal: Principal) -> list[str]:
        """ARNs of the customer managed policies attached to the principal directly or through a group."""
        arns = list(principal.managed)
        for group_arn in principal.groups:
            group = self.groups.get(group_arn)
            if group is not None:
                arns.extend(group.managed)
        return [arn for arn in dict.fromkeys(arns) if not arn.startswith(AWS_MANAGED_PREFIX)]

    def _managed(self, arns: Iterable[str]) -> Iterable[Policy]:
        for arn in arns:
            managed = self.policies.get(arn)
            if managed is not None and managed.policy is not None:
                yield managed.policy

    def finish(self) -> AccountModel:
        """Mark principals whose attached or boundary policies are missing or unreadable; link members."""
        for each in self.groups.values():
            each.members.clear()
        for principal in self.principals.values():
            for group_arn in principal.groups:
                group = self.groups.get(group_arn)
                if group is None:
                    principal.unreadable.append(f"group {group_arn} is not in the input")
                else:
                    group.members.append(principal.arn)
                    principal.unreadable.extend(group.unreadable)
                    principal.unreadable.extend(self._missing(group.managed, f"group {group.name}"))
            principal.unreadable.extend(self._missing(principal.managed, principal.short))
            if principal.boundary is not None:
                principal.unreadable.extend(self._missing([principal.boundary], f"boundary of {principal.short}"))
        return self

    def _missing(self, arns: Iterable[str], holder: str) -> list[str]:
        problems = []
        for arn in arns:
            managed = self.policies.get(arn)
            if managed is None:
                problems.append(f"managed policy {arn} (attached to {holder}) is not in the input")
            elif managed.policy is None:
                problems.append(f"managed policy {arn}: {managed.error}")
        return problems

    @classmethod
    def from_gaad(
        cls,
        gaad: Mapping[str, Any],
        resources: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None = None,
        *,
        now: datetime | None = None,
    ) -> AccountModel:
        """Read the output of ``aws iam get-account-authorization-details`` (one page or merged pages).

        Args:
            gaad: the document (``UserDetailList``, ``GroupDetailList``, ``RoleDetailList``, ``Policies``).
            resources: resources that run as roles (``{"resources": [...]}`` or the list), see
                :func:`runs_as_from_json`. None when unknown: existing-resource paths are then assumed.
            now: the time conditions on ``aws:CurrentTime`` are judged at (default: now).
        """
        from cloudward.iam.gaad import read_gaad

        model = read_gaad(gaad, now=now)
        _add_missing_aws_managed(model)
        if resources is not None:
            model.runs_as.extend(runs_as_from_json(resources, model.errors))
            model.known_types = None
        return model.finish()


def _referenced(model: AccountModel) -> set[str]:
    arns = {arn for principal in model.principals.values() for arn in principal.managed}
    arns.update(arn for group in model.groups.values() for arn in group.managed)
    arns.update(principal.boundary for principal in model.principals.values() if principal.boundary)
    return arns


def _add_missing_aws_managed(model: AccountModel) -> None:
    """AWS managed policies a GAAD file references but leaves out (``--filter`` without AWSManagedPolicy):
    their documents come from moto's copy of AWS's managed policies, and the label says so. Without them
    every principal holding AdministratorAccess would be unreadable."""
    missing = sorted(
        arn for arn in _referenced(model) if arn.startswith(AWS_MANAGED_PREFIX) and arn not in model.policies
    )
    if not missing:
        return
    from cloudward.iam.aws_managed import aws_managed_document

    for arn in missing:
        document = aws_managed_document(arn)
        if document is None:
            continue  # unknown to the copy too: finish() marks its holders unreadable
        name = arn.rsplit("/", 1)[-1]
        label = f"AWS managed policy {name} (document from moto's copy, not in the input)"
        policy, error = compile_or_error(document, label, arn)
        model.policies[arn] = ManagedPolicy(arn, name, policy, error)


def runs_as_from_json(resources: Sequence[Mapping[str, Any]] | Mapping[str, Any], errors: list[str]) -> list[RunsAs]:
    """Read ``{"resources": [{"type", "arn", "role", ...}]}`` (or the bare list); bad entries go to ``errors``."""
    items = resources.get("resources", []) if isinstance(resources, Mapping) else resources
    found: list[RunsAs] = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping) or not all(isinstance(item.get(key), str) for key in ("type", "arn", "role")):
            errors.append(f"resources entry #{index + 1} needs string fields type, arn and role")
            continue
        extra = {key: value for key, value in item.items() if key not in ("type", "arn", "role")}
        found.append(RunsAs(str(item["type"]), str(item["arn"]), str(item["role"]), extra))
    return found


def compile_or_error(document: Any, label: str, arn: str | None = None) -> tuple[Policy | None, str | None]:
    """Compile a document, or return the reason it cannot be read."""
    try:
        return compile_policy(document, label, arn=arn), None
    except UnknownAttributeError as exc:
        return None, str(exc)
