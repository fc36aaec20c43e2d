"""Attack paths that join the layers: network exposure -> compute -> identity -> data or administrator.

Entry points:
- the internet -> a security group open to it -> an instance with a public IP (IMDSv1 makes the role's
  credentials one SSRF away) -> its instance profile role;
- the internet -> a Lambda function URL without authentication -> its execution role;
- an account outside the known organization -> a role that trusts it (without an ExternalId).

From the role: administrator (the privilege-escalation search, with its methods), and the data it can
reach as the evaluator decides it: S3 objects, secrets, KMS keys, databases. Paths are ranked by impact:
administrator first, then how much data, then how easy the entry is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from cloudward.iam.conditions import Tri
from cloudward.iam.evaluate import Evaluator
from cloudward.iam.model import AccountModel, Principal, RunsAs
from cloudward.iam.policy import Caller, Grant
from cloudward.iam.privesc.engine import ADMIN, PrivescResult, short_name
from cloudward.inventory import Inventory, UnknownAttributeError
from cloudward.report.attack_graph import AttackGraph, AttackPath

INTERNET = "internet"
ANYONE = "*"
OUTSIDER = "000000000000"
"""An account id no organization has: stands for "any account" when a trust policy names everyone."""
DATA_READS = {
    "AWS::S3::Bucket": ("bucket", "s3:GetObject"),
    "AWS::SecretsManager::Secret": ("secret", "secretsmanager:GetSecretValue"),
    "AWS::KMS::Key": ("kms_key", "kms:Decrypt"),
    "AWS::RDS::DBInstance": ("database", "rds:ModifyDBInstance"),
}
"""Data resource types, their node kind, and the action that reaches their data."""
EVERY = {
    "bucket": ("every S3 bucket", "s3:GetObject", "arn:aws:s3:::*"),
    "secret": ("every secret", "secretsmanager:GetSecretValue", "*"),
    "kms_key": ("every KMS key", "kms:Decrypt", "*"),
}
"""Without an inventory: the data a role reaches through ``Resource: "*"`` grants."""
PATHS_REQUIRES = {
    "AWS::EC2::Instance": frozenset(),
    "AWS::EC2::SecurityGroup": frozenset(),
    "AWS::Lambda::Function": frozenset({"FunctionUrlConfig", "Policy"}),
    "AWS::S3::Bucket": frozenset({"BucketPolicy"}),
    "AWS::SecretsManager::Secret": frozenset(),
    "AWS::KMS::Key": frozenset(),
    "AWS::RDS::DBInstance": frozenset(),
}
"""What ``cloudward paths`` collects besides the identity model."""


@dataclass(frozen=True)
class _Entry:
    nodes: tuple[str, ...]
    role: str
    kind: str
    ease: float
    words: str


class _Builder:
    def __init__(
        self,
        model: AccountModel,
        privesc: PrivescResult,
        inventory: Inventory | None,
        organization: Iterable[str],
        evaluator: Evaluator,
    ) -> None:
        self.model = model
        self.privesc = privesc
        self.inventory = inventory
        self.organization = {model.account_id, *organization}
        self.ev = evaluator
        self.graph: nx.DiGraph[str] = nx.DiGraph()
        self.graph.add_node(INTERNET, kind="internet", label="internet", arn="")
        self.escalating = {e.principal: e for e in privesc.escalations}
        self.admins = {p.arn for p in privesc.admins}
        self._reach: dict[str, list[str]] = {}

    def node(self, node_id: str, kind: str, label: str, arn: str = "") -> str:
        if node_id not in self.graph:
            self.graph.add_node(node_id, kind=kind, label=label, arn=arn)
        return node_id

    def edge(self, source: str, target: str, relation: str) -> None:
        if source not in self.graph or target not in self.graph:
            raise ValueError(f"edge {source} -> {target}: add both nodes (with their kind) first")
        self.graph.add_edge(source, target, relation=relation)

    # ---- entries ---------------------------------------------------------------------------------

    def open_groups(self) -> dict[str, list[str]]:
        """Security group id -> what it opens to the internet (``tcp 22 from 0.0.0.0/0``)."""
        from cloudward.checks.aws.ec2._ingress import describe_rule, ingress_rules, internet_sources

        found: dict[str, list[str]] = {}
        if self.inventory is None:
            return found
        for group in self.inventory.of_type_unchecked("AWS::EC2::SecurityGroup"):
            try:
                rules = ingress_rules(group)
            except UnknownAttributeError:
                continue
            opened = [f"{describe_rule(r)} from {', '.join(internet_sources(r))}" for r in rules if internet_sources(r)]
            if opened:
                found[str(group.configuration.get("GroupId", group.name))] = opened
        return found

    def entries(self) -> list[_Entry]:
        found: list[_Entry] = []
        open_groups = self.open_groups()
        for item in self.model.runs_as:
            if item.type == "AWS::EC2::Instance":
                found.extend(self._instance_entry(item, open_groups))
            elif item.type == "AWS::Lambda::Function" and item.attrs.get("url_auth") == "NONE":
                function = self.node(f"fn:{item.arn}", "function", short_name(item.arn), item.arn)
                self.edge(INTERNET, function, "function URL with AuthType NONE")
                role = self._role_node(item.role)
                self.edge(function, role, "execution role")
                found.append(
                    _Entry((INTERNET, function, role), item.role, "public-function", 1.0, "public function URL")
                )
        found.extend(self._external_entries())
        return found

    def _instance_entry(self, item: RunsAs, open_groups: Mapping[str, list[str]]) -> list[_Entry]:
        public_ip = str(item.attrs.get("public_ip") or "")
        if not public_ip or item.attrs.get("state", "running") not in ("running", "pending", ""):
            return []
        groups = [str(g) for g in item.attrs.get("security_groups") or [] if str(g) in open_groups]
        declared = [str(p) for p in item.attrs.get("open_to_internet") or []]
        if not groups and not declared:
            return []
        label = str(item.attrs.get("name") or short_name(item.arn))
        instance = self.node(f"ec2:{item.arn}", "instance", label, item.arn)
        imds_v1 = bool(item.attrs.get("imds_v1"))
        role = self._role_node(item.role)
        self.edge(instance, role, "instance profile" + (" (IMDSv1: credentials one SSRF away)" if imds_v1 else ""))
        opened_all: list[str] = list(declared)
        for group_id in groups:
            group = self.node(f"sg:{group_id}", "security_group", group_id)
            self.edge(INTERNET, group, "; ".join(open_groups[group_id][:3]))
            self.edge(group, instance, f"attached; public IP {public_ip}")
            opened_all.extend(open_groups[group_id])
        if groups:
            nodes: tuple[str, ...] = (INTERNET, f"sg:{groups[0]}", instance, role)
        else:
            self.edge(INTERNET, instance, f"open to the internet: {', '.join(declared)}; public IP {public_ip}")
            nodes = (INTERNET, instance, role)
        words = "open: " + "; ".join(opened_all[:3]) + (", IMDSv1" if imds_v1 else "")
        return [_Entry(nodes, item.role, "internet-instance", 1.0 if imds_v1 else 0.8, words)]

    def _external_entries(self) -> list[_Entry]:
        found = []
        for role in self.model.principals.values():
            if role.kind != "role" or role.trust is None:
                continue
            for statement in role.trust.applicable("sts:assumerole"):
                if not statement.allow or statement.principals is None:
                    continue
                for pattern in statement.principals:
                    account = _account_of(pattern)
                    if account is None or account in self.organization:
                        continue
                    outsider = OUTSIDER if account == ANYONE else account
                    named = pattern.partition(":")[2]
                    who = named if named.startswith("arn:") else f"arn:aws:iam::{outsider}:root"
                    if statement.grant(Caller(who, outsider, "role")) == Grant.NONE:
                        continue
                    pinned = statement.condition is not None and "sts:externalid" in statement.condition.keys
                    label = "any AWS account" if account == ANYONE else f"account {account}"
                    node = self.node(f"account:{account}", "account", label)
                    role_node = self._role_node(role.arn)
                    words = "trusted" + (" with an ExternalId" if pinned else " without an ExternalId")
                    self.edge(node, role_node, f"{words} ({statement.ref})")
                    found.append(
                        _Entry(
                            (node, role_node),
                            role.arn,
                            "external-trust",
                            0.6 if pinned else (1.0 if account == ANYONE else 0.9),
                            f"{label} {words}",
                        )
                    )
        return found

    def _role_node(self, arn: str) -> str:
        principal = self.model.principals.get(arn)
        label = principal.short if principal else short_name(arn)
        return self.node(arn, "role", label, arn)

    # ---- what a role reaches ---------------------------------------------------------------------

    def data_of(self, role_arn: str) -> list[str]:
        known = self._reach.get(role_arn)
        if known is not None:
            return known
        role = self.model.principals.get(role_arn)
        reached: list[str] = []
        if role is not None:
            for node_id, relation in self._data_targets(role):
                self.edge(role_arn, node_id, relation)
                reached.append(node_id)
        self._reach[role_arn] = reached
        return reached

    def _data_targets(self, role: Principal) -> list[tuple[str, str]]:
        found = []
        if self.inventory is None:
            for kind, (label, action, resource) in EVERY.items():
                if self.ev.outcome(role, action, resource) is not Tri.FALSE:
                    found.append((self.node(f"{kind}:*", kind, label), f"can {action} on every one"))
            return found
        for resource_type, (kind, action) in DATA_READS.items():
            for data in self.inventory.of_type_unchecked(resource_type):
                targets = self._objects(role, data.arn) if kind == "bucket" else [data.arn]
                if self._public(action, targets[0]):
                    continue  # readable by anyone: the public-bucket checks report it, it is no path
                outcome = max(
                    (self.ev.outcome(role, action, target) for target in targets),
                    key=lambda tri: {Tri.FALSE: 0, Tri.UNKNOWN: 1, Tri.TRUE: 2}[tri],
                )
                if outcome is Tri.FALSE:
                    continue
                node = self.node(data.arn, kind, data.name, data.arn)
                found.append((node, f"can {action}" + (" (if conditions hold)" if outcome is Tri.UNKNOWN else "")))
        return found

    def _objects(self, role: Principal, bucket_arn: str) -> list[str]:
        """Object ARNs to ask about: any object, and one under each prefix the role's policies name."""
        found = [f"{bucket_arn}/cloudward-probe-object"]
        for policy in self.ev.identity_policies(role):
            for statement in policy.statements:
                for pattern in statement.resources or ():
                    if pattern.startswith(bucket_arn + "/") and "${" not in pattern:
                        found.append(pattern.replace("*", "x").replace("?", "x"))
        return list(dict.fromkeys(found))

    def _public(self, action: str, target: str) -> bool:
        """Whether the resource policy lets any account (anonymous included) do the action."""
        policy, _ = self.ev.resource_policy(action.lower(), target)
        if policy is None:
            return False
        anyone = Caller(f"arn:aws:iam::{OUTSIDER}:root", OUTSIDER, "role")
        return any(
            statement.allow
            and statement.grant(anyone) == Grant.DIRECT
            and statement.covers_resource(target, None) is not Tri.FALSE
            for statement in policy.applicable(action.lower())
        )

    def reaches_admin(self, role_arn: str) -> bool:
        """Whether the role is an administrator or can become one; adds the edge to the admin node."""
        if role_arn in self.admins:
            relation = "is an administrator"
        else:
            escalation = self.escalating.get(role_arn)
            if escalation is None or not escalation.paths:
                return False
            relation = "privesc " + " + ".join(escalation.paths[0].methods)
        self.node(ADMIN, "admin", "administrator")
        self.edge(role_arn, ADMIN, relation)
        return True

    # ---- ranking ---------------------------------------------------------------------------------

    def build(self) -> AttackGraph:
        paths: list[AttackPath] = []
        for entry in self.entries():
            head = entry.nodes
            if self.reaches_admin(entry.role):
                impact = min(100.0, 90 + 10 * entry.ease)
                title = f"{self._words(head)} -> administrator ({entry.words})"
                paths.append(AttackPath((*head, ADMIN), title, impact, _severity(impact), f"{entry.kind}-to-admin"))
                continue
            data = self.data_of(entry.role)
            if not data:
                continue
            impact = min(89.0, (50 + 5 * min(len(data), 6)) * entry.ease + 10)
            title = f"{self._words(head)} -> {len(data)} data resource(s) ({entry.words})"
            paths.append(AttackPath((*head, *data), title, impact, _severity(impact), f"{entry.kind}-to-data"))
        paths.sort(key=lambda path: (-path.impact, path.title))
        return AttackGraph(self.graph, tuple(paths))

    def _words(self, nodes: Sequence[str]) -> str:
        return " -> ".join(str(self.graph.nodes[n]["label"]) for n in nodes)


def _account_of(pattern: str) -> str | None:
    """The account a trust policy principal pattern names (``AWS:arn:aws:iam::123:root``, ``AWS:123``);
    ``*`` for everyone (``"*"``, ``{"AWS": "*"}``)."""
    if pattern in ("*", "AWS:*"):
        return ANYONE
    kind, _, value = pattern.partition(":")
    if kind != "AWS":
        return None
    if value.isdigit() and len(value) == 12:
        return value
    parts = value.split(":")
    if len(parts) >= 5 and parts[4].isdigit():
        return parts[4]
    return None


def _severity(impact: float) -> str:
    if impact >= 90:
        return "critical"
    if impact >= 70:
        return "high"
    if impact >= 40:
        return "medium"
    return "low"


def attack_paths(
    model: AccountModel,
    privesc: PrivescResult,
    *,
    inventory: Inventory | None = None,
    organization: Iterable[str] = (),
    evaluator: Evaluator | None = None,
) -> AttackGraph:
    """Build the attack-path graph and its ranked paths.

    Args:
        model: the identity model.
        privesc: the privilege-escalation analysis of the same model.
        inventory: the collected inventory (security groups, data resources); None for GAAD input, where
            entry points come from the resources file's ``public_ip``/``open_to_internet``/``url_auth``.
        organization: account ids inside the organization (trusting them is not an external entry).
        evaluator: reuse an evaluator (its caches) from the privilege-escalation search.
    """
    return _Builder(model, privesc, inventory, organization, evaluator or Evaluator(model)).build()
