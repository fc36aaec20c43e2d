"""The privilege-escalation search: who can become an administrator, and how.

1. Administrators are the principals whose effective permissions are everything
   (:meth:`~cloudward.iam.evaluate.Evaluator.is_admin`).
2. Hops to the administrator sink: a principal that can change its own permissions (SELF) or give
   another principal administrator permissions and then act as it (MODIFY_AND_USE). "Administrator
   permissions" are judged by the evaluator on a copy of the target holding an ``*``-on-``*`` policy, so a
   permissions boundary or an SCP that caps the target is respected (removing the boundary becomes part of
   the hop when the caller may do it).
3. Hops between principals (PRINCIPAL_ACCESS, NEW_PASSROLE, EXISTING) lead to the targets already known
   to escalate; the set grows until nothing changes, so multi-hop paths fall out of a graph of principals
   (networkx) and each principal's paths are its first hops followed by the shortest way on.

Every action of a hop is asked of the evaluator with the request context the attack would have
(``iam:PassedToService``, ``iam:PolicyARN`` of AdministratorAccess), so a Deny elsewhere, a condition that
can never hold, a boundary or NotAction decide exactly as AWS would. A hop that depends on a context key
nobody knows is kept and marked conditional.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import networkx as nx

from cloudward.iam.conditions import Tri
from cloudward.iam.evaluate import Evaluator, t_and, t_or
from cloudward.iam.model import AccountModel, Principal, RunsAs
from cloudward.iam.policy import ANY_RESOURCE, Caller, Grant, Policy, compile_policy
from cloudward.iam.privesc.methods import BY_ID, METHODS, NOT_ON_RESOURCE, ON_CREATED, SET_DEFAULT_VERSION, Kind, Method

ADMIN = "admin"
"""The sink node: full administrator permissions."""
ADMIN_POLICY_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
MAX_PATHS = 25
RELEVANT_ACTIONS = frozenset(
    action.lower()
    for action in (
        *(a for method in METHODS for a in method.actions),
        "iam:PassRole",
        "iam:DeleteUserPermissionsBoundary",
        "iam:DeleteRolePermissionsBoundary",
        "iam:CreateInstanceProfile",
        "iam:AddRoleToInstanceProfile",
        "iam:SetDefaultPolicyVersion",
    )
)
"""Every action a method asks about: the pre-filter :meth:`_Search.has` answers only these."""
_FULL = compile_policy({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}, "an administrator policy")


@dataclass(frozen=True)
class Hop:
    """One step of a path: ``source`` does ``methods`` and gets ``target``'s permissions (or admin)."""

    source: str
    target: str
    methods: tuple[str, ...]
    step: str
    conditional: bool = False
    assumed: bool = False


@dataclass(frozen=True)
class EscalationPath:
    """Hops from a principal to administrator."""

    hops: tuple[Hop, ...]
    target: str
    """``admin`` (the caller made itself one) or the ARN of the administrator it becomes."""

    @property
    def methods(self) -> list[str]:
        """Method ids along the path, in order, without repeats."""
        return list(dict.fromkeys(method for hop in self.hops for method in hop.methods))

    @property
    def conditional(self) -> bool:
        """Whether some hop depends on a condition the input does not decide."""
        return any(hop.conditional for hop in self.hops)

    @property
    def assumed(self) -> bool:
        """Whether some hop assumes a resource exists (GAAD alone, no inventory)."""
        return any(hop.assumed for hop in self.hops)

    def to_json(self) -> dict[str, Any]:
        """The path as the JSON output shows it."""
        return {
            "methods": self.methods,
            "steps": [hop.step for hop in self.hops],
            "target": self.target,
            "conditional": self.conditional,
            "assumed": self.assumed,
        }


@dataclass(frozen=True)
class Escalation:
    """A principal that can become an administrator, with its paths (unconditional and shortest first)."""

    principal: str
    kind: str
    short: str
    paths: tuple[EscalationPath, ...]

    @property
    def conditional(self) -> bool:
        """Whether every path depends on an undecided condition."""
        return all(path.conditional for path in self.paths)

    def to_json(self) -> dict[str, Any]:
        """``{"principal", "kind", "paths"}`` as documented for ``cloudward iam privesc --format json``."""
        return {"principal": self.principal, "kind": self.kind, "paths": [path.to_json() for path in self.paths]}


@dataclass
class PrivescResult:
    """The whole analysis: administrators, escalations and the principal graph."""

    admins: list[Principal]
    escalations: list[Escalation]
    graph: nx.DiGraph[str]
    unreadable: dict[str, list[str]] = field(default_factory=dict)
    """Principals some of whose policies could not be read: they may escalate in ways not shown."""


def find_escalations(model: AccountModel, evaluator: Evaluator | None = None) -> list[Escalation]:
    """Every principal that can escalate to administrator (and is not one), with its paths."""
    return analyse(model, evaluator).escalations


def analyse(model: AccountModel, evaluator: Evaluator | None = None) -> PrivescResult:
    """Run the search and build the graph."""
    return _Search(model, evaluator or Evaluator(model)).run()


def short_name(arn: str) -> str:
    """``user/alice``, ``role/ci``, ``policy/dev``, ``function:f`` from an ARN."""
    if arn == ADMIN:
        return ADMIN
    tail = arn.split(":", 5)[-1]
    return tail.split("/", 1)[0] + "/" + tail.rsplit("/", 1)[-1] if "/" in tail else tail


class _Search:
    def __init__(self, model: AccountModel, evaluator: Evaluator) -> None:
        self.model = model
        self.ev = evaluator
        self.principals = sorted(model.principals.values(), key=lambda p: p.arn)
        self.users = [p for p in self.principals if p.kind == "user"]
        self.roles = [p for p in self.principals if p.kind == "role"]
        self.hops: dict[str, dict[str, list[Hop]]] = {}
        self.what_if = Evaluator(model)
        """Judges made-up principals (a copy holding one more policy); their ARNs are unique, so caches hold."""
        self._admin_policies: list[str] | None = None
        self._running_by_type: dict[str, list[RunsAs]] = {}
        for item in model.runs_as:
            self._running_by_type.setdefault(item.type, []).append(item)
        self._has: dict[str, set[str]] = {}
        self._policy_actions: dict[int, frozenset[str]] = {}
        self._blind_answers: dict[tuple[str, str, tuple[tuple[str, str], ...]], Tri] = {}
        self._admin_if: dict[tuple[str, bool], bool] = {}
        self._trusts: dict[tuple[str, str], Tri] = {}

    # ---- small questions -------------------------------------------------------------------------

    def has(self, principal: Principal, action: str) -> bool:
        """Whether any Allow in the principal's identity policies names the action (a cheap pre-filter)."""
        found = self._has.get(principal.arn)
        if found is None:
            found = set()
            for policy in self.ev.identity_policies(principal):
                found |= self._covered_by(policy)
            self._has[principal.arn] = found
        return action.lower() in found

    def _covered_by(self, policy: Policy) -> frozenset[str]:
        """The method actions some Allow of a policy covers (policies are shared: computed once each)."""
        found = self._policy_actions.get(id(policy))
        if found is None:
            covered: set[str] = set()
            for statement in policy.statements:
                if not statement.allow:
                    continue
                if not statement.not_action and not any("*" in p or "?" in p for p in statement.actions):
                    covered.update(RELEVANT_ACTIONS.intersection(statement.actions))
                else:
                    covered.update(action for action in RELEVANT_ACTIONS if statement.covers_action(action))
            found = self._policy_actions[id(policy)] = frozenset(covered)
        return found

    def ask(self, principal: Principal, action: str, resource: str, **context: str) -> Tri:
        """The evaluator's answer in the attack's context; asked once per principal when no resource matters."""
        lowered = action.lower()
        blind = resource not in self.model.resource_policies and self.ev.resource_blind(principal, lowered)
        if blind:
            key = (principal.arn, lowered, tuple(sorted(context.items())))
            known = self._blind_answers.get(key)
            if known is not None:
                return known
        ctx = self.ev.context(principal, context or None)
        outcome = self.ev.outcome(principal, lowered, resource, ctx)
        if blind:
            self._blind_answers[key] = outcome
        return outcome

    def all_of(self, principal: Principal, requests: Iterable[tuple[str, str]], **context: str) -> Tri:
        outcome = Tri.TRUE
        for action, resource in requests:
            outcome = t_and(outcome, self.ask(principal, action, resource, **context))
            if outcome is Tri.FALSE:
                break
        return outcome

    def admin_if_granted(self, target: Principal, without_boundary: bool = False) -> bool:
        """Whether the target becomes an administrator once it holds a ``*``-on-``*`` policy."""
        key = (target.arn, without_boundary)
        found = self._admin_if.get(key)
        if found is None:
            copy = replace(
                target,
                inline=[*target.inline, _FULL],
                boundary=None if without_boundary else target.boundary,
                arn=target.arn + ("#granted-unbound" if without_boundary else "#granted"),
                unreadable=[],
            )
            found = self._admin_if[key] = self.what_if.is_admin(copy)
        return found

    def trusts(self, role: Principal, service: str) -> Tri:
        """Whether a role's trust policy lets a service principal assume it."""
        key = (role.arn, service)
        found = self._trusts.get(key)
        if found is None:
            found = Tri.FALSE
            if role.trust is not None:
                caller = Caller(service, self.model.account_id, "service")
                for statement in role.trust.applicable("sts:assumerole"):
                    if statement.grant(caller) == Grant.NONE:
                        continue
                    if not statement.allow:
                        found = Tri.FALSE
                        break
                    found = t_or(found, statement.condition_outcome(self.ev.context(role)))
            self._trusts[key] = found
        return found

    def may_assume(self, caller: Principal, role: Principal) -> bool:
        """Cheap pre-filter: the trust policy names the caller, or its account and the caller may assume roles."""
        if role.trust is None:
            return False
        who = Caller(caller.arn, caller.account_id, caller.kind)
        grants = [statement.grant(who) for statement in role.trust.applicable("sts:assumerole") if statement.allow]
        if Grant.DIRECT in grants:
            return True
        return Grant.ACCOUNT in grants and self.has(caller, "sts:AssumeRole")

    def add(self, hop: Hop) -> None:
        self.hops.setdefault(hop.source, {}).setdefault(hop.target, []).append(hop)

    # ---- hops ------------------------------------------------------------------------------------

    def grant_hop(self, caller: Principal, target: Principal, method_id: str) -> tuple[Tri, str] | None:
        """Can the caller give ``target`` administrator permissions with this method's first action?

        Returns the outcome and the words of the step, or None when the method does not apply.
        """
        if method_id in ("iam-001", "iam-016", "iam-020"):
            arns = self.model.attached_to(target)
            for arn in arns:
                outcome = self.ask(caller, "iam:CreatePolicyVersion", arn)
                if outcome is not Tri.FALSE:
                    return outcome, f"iam:CreatePolicyVersion on {short_name(arn)}"
            return None
        if target.kind == "user":
            put = {"iam-007": "iam:PutUserPolicy", "iam-018": "iam:PutUserPolicy"}
            attach = {"iam-008": "iam:AttachUserPolicy", "iam-015": "iam:AttachUserPolicy"}
        else:
            put = {"iam-005": "iam:PutRolePolicy", "iam-017": "iam:PutRolePolicy", "iam-021": "iam:PutRolePolicy"}
            attach = {
                "iam-009": "iam:AttachRolePolicy",
                "iam-014": "iam:AttachRolePolicy",
                "iam-019": "iam:AttachRolePolicy",
            }
        action = put.get(method_id) or attach.get(method_id)
        if action is None:
            return None
        if method_id not in attach:
            return self.ask(caller, action, target.arn), f"{action} on {target.short}"
        for policy_arn in self.admin_policies():  # a condition on iam:PolicyARN may allow only some
            outcome = self.ask(caller, action, target.arn, **{"iam:policyarn": policy_arn})
            if outcome is not Tri.FALSE:
                return outcome, f"{action} {short_name(policy_arn)} on {target.short}"
        return Tri.FALSE, ""

    def admin_policies(self) -> list[str]:
        """Managed policies that make their holder an administrator: AdministratorAccess first (it always
        exists), then the account's own full-access policies."""
        if self._admin_policies is None:
            found = [ADMIN_POLICY_ARN]
            for arn, managed in sorted(self.model.policies.items()):
                if arn == ADMIN_POLICY_ARN or managed.policy is None or not _maybe_full(managed.policy):
                    continue
                holder = Principal(arn=f"{arn}#holder", kind="role", name="holder", account_id=self.model.account_id)
                holder.inline = [managed.policy]
                if self.what_if.is_admin(holder):
                    found.append(arn)
            self._admin_policies = found
        return self._admin_policies

    def unbound(self, caller: Principal, target: Principal) -> tuple[Tri, str] | None:
        """Whether the target is administrator once granted; may need the caller to remove its boundary."""
        if self.admin_if_granted(target):
            return Tri.TRUE, ""
        if target.boundary is None or not self.admin_if_granted(target, without_boundary=True):
            return None
        kind = "User" if target.kind == "user" else "Role"
        outcome = self.ask(caller, f"iam:Delete{kind}PermissionsBoundary", target.arn)
        if outcome is Tri.FALSE:
            return None
        return outcome, f" + iam:Delete{kind}PermissionsBoundary on {target.short}"

    def self_hops(self, caller: Principal) -> None:
        """SELF methods: the caller changes its own (or its group's) permissions."""
        own = ("iam-001", "iam-007", "iam-008") if caller.kind == "user" else ("iam-001", "iam-005", "iam-009")
        for method_id in own:
            if not self.has(caller, BY_ID[method_id].actions[0]):
                continue
            found = self.grant_hop(caller, caller, method_id)
            unbound = self.unbound(caller, caller) if found and found[0] is not Tri.FALSE else None
            if found and unbound:
                self.add(self._hop(caller, ADMIN, (method_id,), found[1] + unbound[1], t_and(found[0], unbound[0])))
        self.old_version_hops(caller)
        if caller.kind != "user":
            return
        for group_arn in caller.groups:
            group = self.model.groups.get(group_arn)
            if group is None:
                continue
            for method_id, action, extra in (
                ("iam-010", "iam:AttachGroupPolicy", {"iam:policyarn": ADMIN_POLICY_ARN}),
                ("iam-011", "iam:PutGroupPolicy", {}),
            ):
                if not self.has(caller, action):
                    continue
                outcome = self.ask(caller, action, group_arn, **extra)
                unbound = self.unbound(caller, caller) if outcome is not Tri.FALSE else None
                if unbound:
                    step = f"{action} on group/{group.name}{unbound[1]}"
                    self.add(self._hop(caller, ADMIN, (method_id,), step, t_and(outcome, unbound[0])))
        if self.has(caller, "iam:AddUserToGroup"):
            for group in sorted(self.model.groups.values(), key=lambda g: g.arn):
                if group.arn in caller.groups:
                    continue
                outcome = self.ask(caller, "iam:AddUserToGroup", group.arn)
                if outcome is Tri.FALSE:
                    continue
                member = replace(caller, groups=[*caller.groups, group.arn], arn=caller.arn + "#" + group.arn)
                if self.what_if.is_admin(member):
                    step = f"iam:AddUserToGroup on group/{group.name}"
                    self.add(self._hop(caller, ADMIN, ("iam-013",), step, outcome))

    def old_version_hops(self, caller: Principal) -> None:
        """iam:SetDefaultPolicyVersion: bring back an older version of an attached policy that grants more."""
        if not self.has(caller, "iam:SetDefaultPolicyVersion"):
            return
        for arn in self.model.attached_to(caller):
            managed = self.model.policies.get(arn)
            if managed is None or not managed.other_versions:
                continue
            outcome = self.ask(caller, "iam:SetDefaultPolicyVersion", arn)
            if outcome is Tri.FALSE:
                continue
            for version_id, version in managed.other_versions:
                restored = replace(caller, inline=[*caller.inline, version], arn=f"{caller.arn}#{arn}:{version_id}")
                if self.what_if.is_admin(restored):
                    step = f"iam:SetDefaultPolicyVersion {version_id} on {short_name(arn)}"
                    self.add(self._hop(caller, ADMIN, (SET_DEFAULT_VERSION,), step, outcome))
                    break

    def modify_and_use_hops(self, caller: Principal) -> None:
        """MODIFY_AND_USE methods: make another principal an administrator, then act as it."""
        for method in METHODS:
            grant, use = method.actions if method.kind is Kind.MODIFY_AND_USE else ("", "")
            if not grant or not self.has(caller, grant):
                continue
            if use == "sts:AssumeRole":  # a trust policy that names the caller needs no identity permission
                targets = [role for role in self.roles if self.may_assume(caller, role)]
            elif self.has(caller, use):
                targets = self.users if use == "iam:CreateAccessKey" else self.roles
            else:
                continue
            for target in targets:
                if target.arn == caller.arn or self.ev.is_admin(target):
                    continue
                granted = self.grant_hop(caller, target, method.id)
                if granted is None or granted[0] is Tri.FALSE:
                    continue
                access = self.access(caller, target, use)
                if access is Tri.FALSE:
                    continue
                unbound = self.unbound(caller, target)
                if unbound is None:
                    continue
                step = f"{granted[1]}{unbound[1]} + {use} on {target.short}"
                outcome = t_and(granted[0], access, unbound[0])
                self.add(self._hop(caller, ADMIN, (method.id,), step, outcome, via=target.short))

    def access(self, caller: Principal, target: Principal, action: str) -> Tri:
        """Whether the caller can act as the target after the grant: assume it, or get its credentials."""
        if action == "iam:UpdateAssumeRolePolicy":
            # the caller rewrites the trust policy to name itself: no identity permission to assume is needed
            return self.ask(caller, action, target.arn)
        return self.ask(caller, action, target.arn)

    def access_hops(self, caller: Principal, targets: Sequence[Principal]) -> None:
        """PRINCIPAL_ACCESS methods towards targets known to escalate."""
        for target in targets:
            if target.arn == caller.arn:
                continue
            if target.kind == "user":
                keys = (
                    self.ask(caller, "iam:CreateAccessKey", target.arn)
                    if self.has(caller, "iam:CreateAccessKey")
                    else Tri.FALSE
                )
                if keys is not Tri.FALSE:
                    self.add(
                        self._hop(caller, target.arn, ("iam-002",), f"iam:CreateAccessKey on {target.short}", keys)
                    )
                    if self.has(caller, "iam:DeleteAccessKey"):
                        both = t_and(keys, self.ask(caller, "iam:DeleteAccessKey", target.arn))
                        if both is not Tri.FALSE:
                            step = f"iam:DeleteAccessKey + iam:CreateAccessKey on {target.short}"
                            self.add(self._hop(caller, target.arn, ("iam-003",), step, both))
                for method_id, action in (("iam-004", "iam:CreateLoginProfile"), ("iam-006", "iam:UpdateLoginProfile")):
                    if self.has(caller, action):
                        outcome = self.ask(caller, action, target.arn)
                        if outcome is not Tri.FALSE:
                            self.add(
                                self._hop(caller, target.arn, (method_id,), f"{action} on {target.short}", outcome)
                            )
                continue
            assume = self.ask(caller, "sts:AssumeRole", target.arn) if self.may_assume(caller, target) else Tri.FALSE
            if assume is not Tri.FALSE:
                self.add(self._hop(caller, target.arn, ("sts-001",), "sts:AssumeRole", assume))
            if self.has(caller, "iam:UpdateAssumeRolePolicy"):
                outcome = self.ask(caller, "iam:UpdateAssumeRolePolicy", target.arn)
                if outcome is not Tri.FALSE:
                    step = f"iam:UpdateAssumeRolePolicy on {target.short} + sts:AssumeRole"
                    self.add(self._hop(caller, target.arn, ("iam-012",), step, outcome))

    def passrole_hops(self, caller: Principal, targets: Sequence[Principal]) -> None:
        """NEW_PASSROLE methods towards roles known to escalate."""
        if not self.has(caller, "iam:PassRole"):
            return
        for method in METHODS:
            if method.kind is not Kind.NEW_PASSROLE or not all(self.has(caller, a) for a in method.actions):
                continue
            assumed = False
            if method.resource_type is not None:
                known = self.model.knows(method.resource_type)
                if known and not self._running_by_type.get(method.resource_type):
                    continue
                assumed = not known
            service_actions = self.all_of(caller, ((action, ANY_RESOURCE) for action in method.actions))
            if service_actions is Tri.FALSE:
                continue
            for role in targets:
                if role.kind != "role":
                    continue
                profile = self._profile(caller, role, method)
                if profile is None:
                    continue
                for service in method.services:
                    trust = self.trusts(role, service)
                    if trust is Tri.FALSE:
                        continue
                    passing = self.ask(caller, "iam:PassRole", role.arn, **{"iam:passedtoservice": service})
                    outcome = t_and(service_actions, trust, passing, profile[0])
                    if outcome is Tri.FALSE:
                        continue
                    step = f"{method.name}{profile[1]}"
                    self.add(self._hop(caller, role.arn, (method.id,), step, outcome, assumed=assumed))
                    break

    def _profile(self, caller: Principal, role: Principal, method: Method) -> tuple[Tri, str] | None:
        """EC2 needs the role in an instance profile: one that exists, or one the caller can make."""
        if not method.instance_profile or role.instance_profiles:
            return Tri.TRUE, ""
        create = self.all_of(
            caller, (("iam:CreateInstanceProfile", ANY_RESOURCE), ("iam:AddRoleToInstanceProfile", ANY_RESOURCE))
        )
        if create is Tri.FALSE:
            return None
        return create, " + iam:CreateInstanceProfile + iam:AddRoleToInstanceProfile"

    def existing_hops(self, caller: Principal, targets: Sequence[Principal]) -> None:
        """EXISTING methods: take over a resource that runs as a role known to escalate."""
        wanted = {role.arn: role for role in targets if role.kind == "role"}
        for method in METHODS:
            if method.kind is not Kind.EXISTING or not all(self.has(caller, a) for a in method.actions):
                continue
            for resource, role, assumed in self._running(method, wanted):
                requests = [(action, self._resource_for(action, resource)) for action in method.actions]
                outcome = self.all_of(caller, requests)
                if outcome is Tri.FALSE:
                    continue
                where = "a resource assumed to run as it" if assumed else short_name(resource)
                step = f"{method.name} on {where}"
                self.add(self._hop(caller, role.arn, (method.id,), step, outcome, assumed=assumed))

    def _running(self, method: Method, wanted: dict[str, Principal]) -> Iterator[tuple[str, Principal, bool]]:
        if method.resource_type is None or self.model.knows(method.resource_type):
            for item in self._running_by_type.get(method.resource_type or "", []):
                if item.role in wanted:
                    yield item.arn, wanted[item.role], False
            return
        for role in wanted.values():
            if method.instance_profile and not role.instance_profiles:
                continue
            if any(self.trusts(role, service) is not Tri.FALSE for service in method.services):
                yield ANY_RESOURCE, role, True

    @staticmethod
    def _resource_for(action: str, resource: str) -> str:
        name = action.split(":", 1)[1].lower()
        if name.startswith(NOT_ON_RESOURCE) or action.lower() in ON_CREATED:
            return "*" if name.startswith(NOT_ON_RESOURCE) else ANY_RESOURCE
        return resource

    def _hop(
        self,
        caller: Principal,
        target: str,
        methods: tuple[str, ...],
        what: str,
        outcome: Tri,
        *,
        via: str = "",
        assumed: bool = False,
    ) -> Hop:
        end = ADMIN if target == ADMIN else short_name(target)
        middle = f"{what} (via {via})" if via and via not in what else what
        return Hop(caller.arn, target, methods, f"{caller.short} -> {middle} -> {end}", outcome is Tri.UNKNOWN, assumed)

    # ---- the search ------------------------------------------------------------------------------

    def run(self) -> PrivescResult:
        admins = [p for p in self.principals if self.ev.is_admin(p)]
        admin_arns = {p.arn for p in admins}
        # a principal with unreadable policies cannot be judged: listed in `unreadable`, never as a path
        candidates = [p for p in self.principals if p.arn not in admin_arns and not p.unreadable]
        for caller in candidates:
            self.self_hops(caller)
            self.modify_and_use_hops(caller)
        escalating = admin_arns | {arn for arn, ends in self.hops.items() if ADMIN in ends}
        frontier = [self.model.principals[arn] for arn in sorted(escalating)]
        while frontier:
            for caller in candidates:
                self.access_hops(caller, frontier)
                self.passrole_hops(caller, frontier)
                self.existing_hops(caller, frontier)
            reached = {arn for arn, ends in self.hops.items() if any(end in escalating for end in ends)}
            new = sorted(reached - escalating)
            escalating |= set(new)
            frontier = [self.model.principals[arn] for arn in new]
        graph = self._graph(admins)
        escalations = [
            Escalation(p.arn, p.kind, p.short, self._paths(graph, p.arn, admin_arns))
            for p in candidates
            if p.arn in escalating
        ]
        unreadable = {p.arn: list(p.unreadable) for p in self.principals if p.unreadable}
        return PrivescResult(admins, escalations, graph, unreadable)

    def _graph(self, admins: Sequence[Principal]) -> nx.DiGraph[str]:
        graph: nx.DiGraph[str] = nx.DiGraph()
        graph.add_node(ADMIN, kind="admin", label="administrator")
        for principal in self.principals:
            graph.add_node(principal.arn, kind=principal.kind, label=principal.short)
        for admin in admins:
            graph.add_edge(admin.arn, ADMIN, hops=[], relation="is an administrator")
        for source, ends in self.hops.items():
            for target, hops in ends.items():
                relation = ", ".join(dict.fromkeys(m for hop in hops for m in hop.methods))
                graph.add_edge(source, target, hops=hops, relation=relation)
        return graph

    def _paths(self, graph: nx.DiGraph[str], source: str, admins: set[str]) -> tuple[EscalationPath, ...]:
        paths: list[EscalationPath] = []
        without_source = nx.restricted_view(graph, [source], [])
        for target in graph.successors(source):
            try:
                onward = nx.shortest_path(without_source, target, ADMIN) if target != ADMIN else [ADMIN]
            except (nx.NetworkXNoPath, nx.NodeNotFound):
                continue
            rest = [_best(graph.edges[a, b]["hops"]) for a, b in itertools.pairwise(onward)]
            end = ADMIN if target == ADMIN else next((n for n in onward if n in admins), ADMIN)
            for first in graph.edges[source, target]["hops"]:
                paths.append(EscalationPath((first, *[hop for hop in rest if hop is not None]), end))
        paths.sort(key=lambda path: (path.conditional, path.assumed, len(path.hops), path.methods))
        return tuple(paths[:MAX_PATHS])


def _maybe_full(policy: Policy) -> bool:
    """Cheap pre-filter: an Allow of every action (``*`` or a NotAction) on ``*``."""
    return any(
        statement.allow and (statement.not_action or "*" in statement.actions) and statement.resources == ("*",)
        for statement in policy.statements
    )


def _best(hops: Sequence[Hop]) -> Hop | None:
    if not hops:
        return None
    return min(hops, key=lambda hop: (hop.conditional, hop.assumed))
