"""The identity engine as the identity-layer checks see it: one evaluator and one privilege-escalation
analysis per inventory, built on first use and kept on the inventory object. Not a check.

The account model comes from :func:`cloudward.iam.inventory_model.model_from_inventory` (itself cached on
the inventory). The escalation search is the expensive part, so it runs only when a check first asks for
it, once per inventory, whatever the number of principals and checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cloudward.checks.model import CheckResult
from cloudward.iam.catalogue import default_catalogue
from cloudward.iam.conditions import Tri
from cloudward.iam.evaluate import ADMIN_SENTINELS, PROBE_ACTION, Evaluator
from cloudward.iam.inventory_model import REQUIRES, model_from_inventory
from cloudward.iam.model import AccountModel, Principal
from cloudward.inventory import Inventory, Resource, UnknownAttributeError

if TYPE_CHECKING:  # the search (networkx) is imported on first use, not when the checks are registered
    from cloudward.iam.privesc import Escalation, EscalationPath, PrivescResult

IDENTITY_REQUIRES: tuple[str, ...] = REQUIRES
"""What a check reading effective permissions declares in ``requires`` (IAM listings, AWS managed policies)."""
RUNS_AS_REQUIRES: tuple[str, ...] = ("AWS::Lambda::Function", "AWS::EC2::Instance")
"""The resources that run as roles: escalation through an existing function or instance needs them listed."""
PRIVESC_REQUIRES: tuple[str, ...] = (*REQUIRES, *RUNS_AS_REQUIRES)
"""What a check reading the privilege-escalation analysis declares in ``requires``."""
SERVICE_LINKED_PATH = "/aws-service-role/"
PATHFINDING = "https://pathfinding.cloud/"
EVALUATION_LOGIC = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"
BOUNDARIES = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"
RHINO_PRIVESC = "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/"
LEAST_PRIVILEGE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege"

_CACHE_ATTRIBUTE = "_cloudward_identity_checks"
_REACH_UNREADABLE = {
    "role": ("sts:AssumeRole", "iam:UpdateAssumeRolePolicy"),
    "user": ("iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"),
}
"""Actions that give a caller another principal's permissions directly (the PRINCIPAL_ACCESS methods)."""


@dataclass
class Identity:
    """The evaluator of an inventory's identity model and, on first request, its escalation analysis."""

    model: AccountModel
    evaluator: Evaluator
    _privesc: PrivescResult | None = field(default=None, init=False, repr=False)
    _by_principal: dict[str, Escalation] = field(default_factory=dict, init=False, repr=False)
    _unreadable: list[Principal] | None = field(default=None, init=False, repr=False)

    @property
    def privesc(self) -> PrivescResult:
        """The escalation analysis, run once (with this evaluator, so administrator answers are shared)."""
        if self._privesc is None:
            self._privesc = analyse(self.model, self.evaluator)
            self._by_principal = {escalation.principal: escalation for escalation in self._privesc.escalations}
        return self._privesc

    def escalation(self, principal: Principal) -> Escalation | None:
        """The principal's escalation to administrator, or None when it cannot escalate."""
        _ = self.privesc
        return self._by_principal.get(principal.arn)

    def principal(self, resource: Resource) -> Principal:
        """The model's principal for an ``AWS::IAM::User`` or ``AWS::IAM::Role`` resource.

        Raises:
            UnknownAttributeError: the principal is not in the model (its item lacked Arn or name).
        """
        found = self.model.principals.get(resource.arn)
        if found is None:
            configuration = resource.configuration
            arn = configuration.get("Arn") if isinstance(configuration, dict) else None
            found = self.model.principals.get(arn) if isinstance(arn, str) else None
        if found is None:
            problems = "; ".join(self.model.errors) or "no item with this ARN"
            raise UnknownAttributeError("identity model", f"{resource.arn} is not in the identity model ({problems})")
        return found

    def readable(self, principal: Principal) -> Principal:
        """The principal, when every policy that applies to it could be read.

        Raises:
            UnknownAttributeError: some policy could not be read (a Deny in it could change any answer).
        """
        if principal.unreadable:
            raise UnknownAttributeError("policies of " + principal.short, "; ".join(principal.unreadable))
        return principal

    def admin_statements(self, principal: Principal) -> list[str]:
        """The statements that allow the probe action (an action only ``*`` covers) and the sensitive actions
        an administrator must have, deduplicated, probe first: every policy that makes the principal one."""
        found: list[str] = []
        for action in (PROBE_ACTION, *ADMIN_SENTINELS):
            found.extend(str(ref) for ref in self.evaluator.can(principal, action, "*").statements)
        return list(dict.fromkeys(found))

    def reachable_unreadable(self, principal: Principal) -> list[str]:
        """Other principals with unreadable policies whose permissions this principal may obtain directly.

        The escalation search cannot tell whether those principals are administrators, so "cannot escalate"
        is not a safe answer for a principal that reaches one.
        """
        if self._unreadable is None:
            self._unreadable = sorted((p for p in self.model.principals.values() if p.unreadable), key=lambda p: p.arn)
        found: list[str] = []
        for other in self._unreadable:
            if other.arn == principal.arn:
                continue
            actions = [
                action
                for action in _REACH_UNREADABLE.get(other.kind, ())
                if self.evaluator.outcome(principal, action, other.arn) is not Tri.FALSE
            ]
            if actions:
                found.append(f"{'/'.join(actions)} on {other.short} ({'; '.join(other.unreadable)})")
        return found


def analyse(model: AccountModel, evaluator: Evaluator) -> PrivescResult:
    """Run the escalation search (:func:`cloudward.iam.privesc.analyse`), importing it on first use."""
    from cloudward.iam.privesc import analyse as run

    return run(model, evaluator)


def identity(inventory: Inventory) -> Identity:
    """The inventory's :class:`Identity`, built on first use and kept on the inventory object.

    Raises:
        UnknownAttributeError: an IAM listing failed or was not collected (nothing about permissions can be said).
    """
    cached = getattr(inventory, _CACHE_ATTRIBUTE, None)
    if isinstance(cached, Identity):
        return cached
    model = model_from_inventory(inventory)
    found = Identity(model, Evaluator(model))
    setattr(inventory, _CACHE_ATTRIBUTE, found)
    return found


def is_service_linked(resource: Resource) -> bool:
    """Whether a role is service-linked (path ``/aws-service-role/``): AWS defines and maintains its policies."""
    configuration = resource.configuration
    path = configuration.get("Path") if isinstance(configuration, dict) else None
    if isinstance(path, str):
        return path.startswith(SERVICE_LINKED_PATH)
    return f":role{SERVICE_LINKED_PATH}" in resource.arn


def describe_path(path: EscalationPath) -> str:
    """One path for a reason: its steps joined with "; ", the pathfinding.cloud ids and its flags."""
    flags = [flag for flag, on in (("conditional", path.conditional), ("assumed", path.assumed)) if on]
    text = "; ".join(step for step in path.to_json()["steps"]) + f" [{', '.join(path.methods)}]"
    return text + (f" ({', '.join(flags)})" if flags else "")


def describe_escalation(escalation: Escalation) -> str:
    """The first (best) path, how many paths there are, and the flags that qualify the finding."""
    paths: Sequence[EscalationPath] = escalation.paths
    if not paths:
        return "can escalate to administrator (no path recorded)"
    from cloudward.iam.privesc.engine import MAX_PATHS

    count = len(paths)
    text = describe_path(paths[0])
    if count >= MAX_PATHS:
        text += f" ({count} or more paths)"
    elif count > 1:
        text += f" ({count} paths)"
    if escalation.conditional:
        text += "; every path depends on a condition the inventory does not decide"
    return text


def admin_equivalent(resource: Resource, inventory: Inventory) -> CheckResult:
    """The judgment of ``iam_user_admin_equivalent`` and ``iam_role_admin_equivalent``.

    FAIL when the principal's effective permissions are everything, naming the statements that allow an
    action only ``*`` covers; PASS saying what stops it; NOT_APPLICABLE for service-linked roles.
    """
    if resource.type == "AWS::IAM::Role" and is_service_linked(resource):
        return CheckResult.not_applicable("service-linked role: AWS defines and maintains its permissions")
    found = identity(inventory)
    principal = found.readable(found.principal(resource))
    if found.evaluator.is_admin(principal):
        allowed_by = "; ".join(found.admin_statements(principal)) or "no statement recorded"
        return CheckResult.failed(
            f"{principal.short} is an administrator: its effective permissions allow every action on every "
            f"resource (allowed by {allowed_by})"
        )
    return CheckResult.passed(f"{principal.short} is not an administrator: {_not_admin(found, principal)}")


def _not_admin(found: Identity, principal: Principal) -> str:
    """Why the principal's effective permissions are not everything, in one clause."""
    probe = found.evaluator.can(principal, PROBE_ACTION, "*")
    if not probe.allowed:
        return f'"*" is {probe.decision.value} ({_words(probe.reason)})'
    for action in ADMIN_SENTINELS:
        verdict = found.evaluator.can(principal, action, "*")
        if not verdict.allowed:
            name = default_catalogue().canonical(action)
            return f'"*" is allowed but {name} on "*" is {verdict.decision.value} ({_words(verdict.reason)})'
    return "not every action is allowed on every resource"


def _words(reason: str) -> str:
    """A verdict's reason with the probe action named as what it stands for."""
    return reason.replace(PROBE_ACTION, 'every action ("*")')


def privilege_escalation(resource: Resource, inventory: Inventory) -> CheckResult:
    """The judgment of ``iam_user_privilege_escalation`` and ``iam_role_privilege_escalation``.

    FAIL with the best path when the principal can become an administrator; PASS when it cannot;
    NOT_APPLICABLE for administrators and service-linked roles; ERROR when its policies, or those of a
    principal whose permissions it can obtain directly, could not be read.
    """
    if resource.type == "AWS::IAM::Role" and is_service_linked(resource):
        return CheckResult.not_applicable("service-linked role: AWS defines and maintains its permissions")
    found = identity(inventory)
    principal = found.readable(found.principal(resource))
    if found.evaluator.is_admin(principal):
        return CheckResult.not_applicable(
            f"{principal.short} is already an administrator (reported by iam_{principal.kind}_admin_equivalent)"
        )
    escalation = found.escalation(principal)
    if escalation is not None:
        return CheckResult.failed(f"{principal.short} can escalate to administrator: {describe_escalation(escalation)}")
    blocked = found.reachable_unreadable(principal)
    if blocked:
        raise UnknownAttributeError(
            "escalation of " + principal.short,
            "it can obtain the permissions of principals whose policies could not be read: " + "; ".join(blocked),
        )
    from cloudward.iam.privesc import METHODS

    return CheckResult.passed(
        f"{principal.short} has no privilege-escalation path to administrator "
        f"({len(METHODS)} methods of the pathfinding.cloud catalogue searched, multi-hop included)"
    )
