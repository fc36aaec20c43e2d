"""The policy evaluator: AWS's evaluation logic for requests inside one account.

Order, as AWS documents it: an explicit Deny in any applicable policy (SCP, RCP, resource policy,
permissions boundary, identity policy) decides; otherwise every SCP level and every RCP level must
allow; then the request is allowed by the identity policies within the permissions boundary, or by a
resource policy. A resource policy that names an IAM user is enough on its own; one that names a role is
still limited by the role's boundary; one that names the account delegates to the identity policies.
Role trust policies (for ``sts:AssumeRole*``) and KMS key policies must allow in every case.

Every answer is tri-state: a condition on a context key the caller did not give makes the outcome
CONDITIONAL ("allowed if aws:MultiFactorAuthPresent is true"), never a silent yes or no. The verdict
names the statements that decided.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from cloudward.iam.catalogue import default_catalogue
from cloudward.iam.conditions import RequestContext, Tri
from cloudward.iam.model import AccountModel, Principal
from cloudward.iam.policy import ANY_RESOURCE, Caller, Grant, Policy, StatementRef

ASSUME_ACTIONS = frozenset({"sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity"})
PROBE_ACTION = "cloudward-probe:anyaction"
"""An action no service has: only ``*`` (or a NotAction that does not list it) covers it."""
ADMIN_SENTINELS = (
    "iam:putrolepolicy",
    "iam:attachuserpolicy",
    "iam:createpolicyversion",
    "iam:passrole",
    "iam:createaccesskey",
    "sts:assumerole",
    "organizations:listaccounts",
    "ec2:runinstances",
    "s3:getobject",
    "kms:decrypt",
    "secretsmanager:getsecretvalue",
)
"""With :data:`PROBE_ACTION`, the actions a principal must be allowed on every resource to count as an administrator."""


def t_or(*values: Tri) -> Tri:
    """Kleene OR: TRUE if any is, else UNKNOWN if any is, else FALSE."""
    result = Tri.FALSE
    for value in values:
        if value is Tri.TRUE:
            return Tri.TRUE
        if value is Tri.UNKNOWN:
            result = Tri.UNKNOWN
    return result


def t_and(*values: Tri) -> Tri:
    """Kleene AND: FALSE if any is, else UNKNOWN if any is, else TRUE."""
    result = Tri.TRUE
    for value in values:
        if value is Tri.FALSE:
            return Tri.FALSE
        if value is Tri.UNKNOWN:
            result = Tri.UNKNOWN
    return result


class Decision(enum.Enum):
    """The outcome of one request."""

    ALLOWED = "allowed"
    DENIED = "explicitly denied"
    IMPLICIT_DENY = "not allowed"
    CONDITIONAL = "allowed only if conditions hold"
    UNKNOWN = "cannot tell"
    """Some of the principal's policies could not be read."""


@dataclass(frozen=True)
class Verdict:
    """A decision with the statements that made it and a sentence a person can act on."""

    decision: Decision
    reason: str
    statements: tuple[StatementRef, ...] = ()
    conditions: tuple[str, ...] = ()
    """For CONDITIONAL: each condition clause that was not decided."""

    @property
    def allowed(self) -> bool:
        """Only ALLOWED."""
        return self.decision is Decision.ALLOWED


@dataclass
class _Layer:
    """What one set of policies says about a request."""

    allow: Tri = Tri.FALSE
    deny: Tri = Tri.FALSE
    allow_refs: list[StatementRef] = field(default_factory=list)
    deny_refs: list[StatementRef] = field(default_factory=list)
    direct: Tri = Tri.FALSE
    """Resource policies: allows that name the caller (or everyone)."""
    account: Tri = Tri.FALSE
    """Resource policies: allows that name the caller's account."""
    undecided: list[str] = field(default_factory=list)


def _layer(
    policies: Iterable[Policy],
    action: str,
    resource: str,
    context: RequestContext,
    caller: Caller | None = None,
    probe: str = "*",
) -> _Layer:
    layer = _Layer()
    for policy in policies:
        for statement in policy.applicable(action):
            asked = probe if resource == ANY_RESOURCE and not statement.allow else resource
            covered = statement.covers_resource(asked, context)
            if covered is Tri.FALSE:
                continue
            grant = Grant.DIRECT if caller is None else statement.grant(caller)
            if grant == Grant.NONE:
                continue
            outcome = t_and(covered, statement.condition_outcome(context))
            if outcome is Tri.FALSE:
                continue
            if outcome is Tri.UNKNOWN:
                layer.undecided.extend(f"{statement.ref}: {line}" for line in statement.explain_condition(context))
            if not statement.allow:
                layer.deny = t_or(layer.deny, outcome)
                layer.deny_refs.append(statement.ref)
                continue
            layer.allow = t_or(layer.allow, outcome)
            layer.allow_refs.append(statement.ref)
            if grant == Grant.DIRECT:
                layer.direct = t_or(layer.direct, outcome)
            else:
                layer.account = t_or(layer.account, outcome)
    return layer


class Evaluator:
    """Answers "can this principal do this action on this resource?" for one account model."""

    def __init__(self, model: AccountModel) -> None:
        """Prepare per-principal policy lists (the model is not changed)."""
        self.model = model
        self._identity: dict[str, list[Policy]] = {}
        self._contexts: dict[str, RequestContext] = {}
        self._admin: dict[str, bool] = {}
        self._blind: dict[tuple[str, str], bool] = {}
        self._principal_tag_keys: frozenset[str] | None = None

    def identity_policies(self, principal: Principal) -> list[Policy]:
        """The principal's identity policies (own and groups'), cached."""
        found = self._identity.get(principal.arn)
        if found is None:
            found = self._identity[principal.arn] = self.model.identity_policies(principal)
        return found

    def context(self, principal: Principal, extra: Mapping[str, str | Sequence[str]] | None = None) -> RequestContext:
        """The principal's own context keys, plus keys the caller states (``aws:SourceIp``...)."""
        base = self._contexts.get(principal.arn)
        if base is None:
            base = principal.context(self.model.now)
            if principal.kind == "user":  # GAAD lists every tag of a user: the others are absent, not unknown
                absent = {key: None for key in self._tag_keys() if key not in base.values}
                base = RequestContext({**base.values, **absent}, base.closed)
            self._contexts[principal.arn] = base
        if not extra:
            return base
        values = dict(base.values)
        for key, value in extra.items():
            values[key.lower()] = (value,) if isinstance(value, str) else tuple(value)
        return RequestContext(values, base.closed)

    def _tag_keys(self) -> frozenset[str]:
        """Every ``aws:PrincipalTag/...`` key some condition in the model reads (lower-case)."""
        if self._principal_tag_keys is None:
            model = self.model
            policies: list[Policy] = [m.policy for m in model.policies.values() if m.policy is not None]
            for principal in model.principals.values():
                policies.extend(principal.inline)
            for group in model.groups.values():
                policies.extend(group.inline)
            policies.extend(model.resource_policies.values())
            policies.extend(policy for level in (*model.scps, *model.rcps) for policy in level)
            self._principal_tag_keys = frozenset(
                key
                for policy in policies
                for statement in policy.statements
                if statement.condition is not None
                for key in statement.condition.keys
                if key.startswith("aws:principaltag/")
            )
        return self._principal_tag_keys

    def resource_policy(self, action: str, resource: str) -> tuple[Policy | None, bool]:
        """The resource policy that applies to a request, and whether it must allow (trust and key policies)."""
        if action in ASSUME_ACTIONS:
            role = self.model.principals.get(resource)
            if role is None or role.kind != "role":
                return None, False  # a role outside the model: only the caller's side can be judged
            return role.trust, True  # None only when unreadable: the caller reports "cannot tell"
        policy = self.model.resource_policies.get(resource)
        if policy is None and resource.startswith("arn:aws:s3:::") and "/" in resource:
            policy = self.model.resource_policies.get(resource.split("/", 1)[0])
        return policy, policy is not None and resource.startswith("arn:aws:kms:")

    def outcome(self, principal: Principal, action: str, resource: str, context: RequestContext | None = None) -> Tri:
        """The tri-state answer without reasons (the fast path of the escalation search)."""
        return self._decide(principal, action.lower(), resource, context or self.context(principal))[0]

    def can(
        self,
        principal: Principal | str,
        action: str,
        resource: str = "*",
        context: Mapping[str, str | Sequence[str]] | None = None,
    ) -> Verdict:
        """Decide one request and say why.

        Args:
            principal: the principal, or its ARN, ``user/name``, ``role/name`` or bare name.
            action: ``service:Action`` in any case.
            resource: the resource ARN (``*`` for actions without a resource).
            context: extra request context keys; keys not given are unknown (a condition on them makes
                the answer CONDITIONAL).
        """
        who = principal if isinstance(principal, Principal) else self.model.principal(principal)
        ctx = self.context(who, context)
        return self._decide(who, action.lower(), resource, ctx)[1]

    def who_can(
        self, action: str, resource: str = "*", context: Mapping[str, str | Sequence[str]] | None = None
    ) -> list[tuple[Principal, Verdict]]:
        """Every principal allowed (or allowed under conditions) to make the request, by ARN."""
        action = action.lower()
        found = []
        for principal in sorted(self.model.principals.values(), key=lambda p: p.arn):
            tri, verdict = self._decide(principal, action, resource, self.context(principal, context))
            if tri is not Tri.FALSE:
                found.append((principal, verdict))
        return found

    def resource_blind(self, principal: Principal, action: str) -> bool:
        """Whether every statement that could decide a lower-cased action for the principal is on ``"*"``.

        Then the answer is the same for every resource without a resource policy, and callers that ask
        about thousands of resources may ask once. Role trust (``sts:AssumeRole*``) is never blind.
        """
        key = (principal.arn, action)
        found = self._blind.get(key)
        if found is None:
            policies = list(self.identity_policies(principal))
            boundary = self.model.boundary(principal)
            if boundary is not None:
                policies.append(boundary)
            for level in (*self.model.scps, *self.model.rcps):
                policies.extend(level)
            found = action not in ASSUME_ACTIONS and all(
                statement.resources == ("*",) and not statement.not_resource
                for policy in policies
                for statement in policy.applicable(action)
            )
            self._blind[key] = found
        return found

    def is_admin(self, principal: Principal) -> bool:
        """Whether the principal's effective permissions are everything: the probe action and every
        sentinel action allowed on every resource, unconditionally."""
        known = self._admin.get(principal.arn)
        if known is None:
            if principal.unreadable:
                known = False
            else:
                ctx = self.context(principal)
                known = all(
                    self._decide(principal, action, "*", ctx)[0] is Tri.TRUE
                    for action in (PROBE_ACTION, *ADMIN_SENTINELS)
                )
            self._admin[principal.arn] = known
        return known

    def _decide(self, principal: Principal, action: str, resource: str, ctx: RequestContext) -> tuple[Tri, Verdict]:
        model = self.model
        caller = Caller(principal.arn, principal.account_id, principal.kind)
        probe = default_catalogue().probe_arn(action, principal.account_id) if resource == ANY_RESOURCE else "*"
        identity = _layer(self.identity_policies(principal), action, resource, ctx, probe=probe)
        boundary_policy = model.boundary(principal)
        boundary = _layer([boundary_policy], action, resource, ctx, probe=probe) if boundary_policy else None
        scps = [_layer(level, action, resource, ctx, probe=probe) for level in model.scps]
        rcps = [_layer(level, action, resource, ctx, caller, probe) for level in model.rcps]
        resource_policy, required = self.resource_policy(action, resource)
        on_resource = _layer([resource_policy], action, resource, ctx, caller) if resource_policy else _Layer()
        if required and resource_policy is None:  # a role whose trust policy could not be read
            reason = f"cannot tell: the trust policy of {resource} could not be read"
            return Tri.UNKNOWN, Verdict(Decision.UNKNOWN, reason)

        layers = [identity, on_resource, *scps, *rcps] + ([boundary] if boundary else [])
        deny = t_or(*(layer.deny for layer in layers))
        if deny is Tri.TRUE:
            refs = tuple(ref for layer in layers if layer.deny is Tri.TRUE for ref in layer.deny_refs)
            return Tri.FALSE, Verdict(Decision.DENIED, f"explicitly denied by {refs[0]}", refs)

        bounded = boundary.allow if boundary else Tri.TRUE
        through_identity = t_and(identity.allow, bounded)
        direct = on_resource.direct if principal.kind == "user" else t_and(on_resource.direct, bounded)
        if required:
            allowed = t_or(direct, t_and(on_resource.account, through_identity))
        else:
            allowed = t_or(through_identity, direct)
        organization = t_and(*(layer.allow for layer in (*scps, *rcps)))
        allowed = t_and(allowed, organization)

        if principal.unreadable:
            reason = "cannot tell: " + "; ".join(principal.unreadable)
            return Tri.UNKNOWN, Verdict(Decision.UNKNOWN, reason)
        if allowed is Tri.FALSE:
            return Tri.FALSE, Verdict(
                Decision.IMPLICIT_DENY,
                self._missing(
                    principal,
                    identity,
                    boundary,
                    boundary_policy.label if boundary_policy else "",
                    on_resource,
                    required,
                    scps,
                    rcps,
                    action,
                    resource,
                ),
            )
        used = [*identity.allow_refs, *on_resource.allow_refs, *(boundary.allow_refs if boundary else [])]
        used.extend(ref for layer in (*scps, *rcps) for ref in layer.allow_refs)
        undecided = tuple(line for layer in layers for line in layer.undecided)
        if allowed is Tri.TRUE and deny is Tri.FALSE:
            return Tri.TRUE, Verdict(Decision.ALLOWED, "allowed by " + "; ".join(map(str, used)), tuple(used))
        refs = tuple(used) + tuple(ref for layer in layers for ref in layer.deny_refs)
        reason = "allowed only if: " + "; ".join(undecided) if undecided else "allowed only if conditions hold"
        return Tri.UNKNOWN, Verdict(Decision.CONDITIONAL, reason, refs, undecided)

    @staticmethod
    def _missing(
        principal: Principal,
        identity: _Layer,
        boundary: _Layer | None,
        boundary_label: str,
        on_resource: _Layer,
        required: bool,
        scps: list[_Layer],
        rcps: list[_Layer],
        action: str,
        resource: str,
    ) -> str:
        reasons: list[str] = []
        for kind, levels in (("SCP", scps), ("RCP", rcps)):
            reasons.extend(
                f"no {kind} at level {index + 1} allows it"
                for index, layer in enumerate(levels)
                if layer.allow is Tri.FALSE
            )
        if required and on_resource.allow is Tri.FALSE:
            what = "trust policy" if action in ASSUME_ACTIONS else "resource policy"
            reasons.append(f"the {what} of {resource} does not allow {principal.short}")
        if identity.allow is Tri.FALSE and on_resource.direct is Tri.FALSE:
            reasons.append(f"no identity policy of {principal.short} allows {action} on {resource}")
        if boundary is not None and boundary.allow is Tri.FALSE:
            reasons.append(f"the permissions boundary of {principal.short} ({boundary_label}) does not allow it")
        return "; ".join(reasons) or "not allowed"
