"""A deterministic generator of a large AWS account's IAM, for ``bench/iam.py``.

It writes what ``aws iam get-account-authorization-details`` prints (GAAD: ``UserDetailList``,
``GroupDetailList``, ``RoleDetailList``, ``Policies``) and the offline resources file of
``cloudward iam privesc --resources`` (resources that run as roles). The default size is 5,000 roles,
2,000 users, 10,000 customer-managed policies and about 100 groups, with the AWS managed policies the
principals attach (AdministratorAccess, PowerUserAccess, ReadOnlyAccess, ... with their real documents,
taken from the copy moto ships) and about 2,000 resources.

Shape, meant to look like a real account rather than a uniform one:

* teams own buckets, tables, queues, topics, keys, secrets, parameters and functions; most customer
  policies are ordinary service policies over a team's resources (reads and writes on specific ARNs,
  wildcards such as ``s3:Get*``, conditions, policy variables, some ``NotResource``), some with explicit
  Denies (destructive actions, insecure transport, regions outside the allowed two);
* roles: service roles trusting Lambda, EC2 (with instance profiles), ECS tasks, Glue, CodeBuild,
  CloudFormation, Step Functions, SageMaker; CI deploy roles trusting CI runner roles; SSO roles trusting
  the SAML provider; roles trusting the account root; cross-account roles trusting the organization's
  accounts and vendors, with and without ``sts:ExternalId``; permission boundaries on some principals;
* users in team groups, a group that forces MFA (Deny with ``NotAction``) and one that lets users manage
  their own credentials (``user/${aws:username}``);
* about 20 administrator roles (AdministratorAccess, a customer ``*`` policy, or ``NotAction iam:*`` plus
  ``iam:*`` split over two policies) and a few administrator users; resources that run as admin roles;
* about 1.5 % of principals *planted*: each with one known privilege-escalation method (policy version
  and attachment edits, inline policy puts, access keys and login profiles of other users, group
  membership, trust policy edits, PassRole to Lambda, EC2, ECS, CloudFormation, CodeBuild, Glue,
  SageMaker and Data Pipeline, existing functions, instances, dev endpoints, build projects and stacks
  that run as admin, AssumeRole of admin roles, AssumeRole chains) or with a trap that looks like one and
  is not (an Allow cancelled by a Deny in another policy, a PassRole restricted to the wrong service, a
  permission boundary, a condition that can never be true, a Deny with ``NotAction``, AdministratorAccess
  under a read-only boundary). Planted principals get only "clean" ordinary policies besides, so that
  what they can reach is what was planted; ``planted.json`` lists them.

Usage: ``python bench/iam_account.py OUT_DIR [--roles 5000] [--users 2000] [--policies 10000] [--seed 7]``
"""

from __future__ import annotations

import argparse
import json
import random
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from moto.iam.aws_managed_policies import aws_managed_policies_data

Statement = dict[str, Any]
Item = dict[str, Any]

ACCOUNT_ID = "111122223333"
ORG_ACCOUNTS = ("444455556666", "555566667777", "666677778888")
"""Other accounts of the organization (the first is the management account)."""
VENDOR_ACCOUNTS = {
    "datadog": "464622532012",
    "snyk": "198361731867",
    "wiz": "197171649850",
    "pagerduty": "864879987165",
}
UNKNOWN_ACCOUNT = "999988887777"
SAML_PROVIDER = f"arn:aws:iam::{ACCOUNT_ID}:saml-provider/corp-idp"
REGIONS = ("us-east-1", "eu-west-1")
VERSION = "2012-10-17"
MAX_ATTACHED = 10

TEAMS = (
    "payments", "checkout", "search", "catalog", "identity", "billing", "analytics", "ml", "data", "mobile",
    "web", "growth", "ads", "logistics", "inventory", "shipping", "notifications", "messaging", "media",
    "support", "fraud", "risk", "ledger", "reporting", "partners", "marketplace", "pricing", "recommend",
    "reviews", "loyalty", "onboarding", "compliance", "security", "observability", "devtools", "edge",
    "storage", "streaming", "gateway", "scheduler",
)  # fmt: skip
WORDS = (
    "api", "worker", "ingest", "export", "sync", "etl", "batch", "cron", "stream", "indexer", "reporter",
    "processor", "webhook", "backfill", "resizer", "notifier", "auditor", "loader", "router", "cache",
)  # fmt: skip
FIRST_NAMES = (
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj",
    "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yasmin", "zoe", "omar", "li", "mei",
    "arjun", "priya", "diego", "lucia", "kofi", "amara", "sven", "ingrid", "hiro", "yuki", "noah", "emma",
)  # fmt: skip
LAST_NAMES = (
    "smith", "jones", "garcia", "muller", "rossi", "tanaka", "kim", "nguyen", "silva", "novak", "ivanova",
    "okafor", "haddad", "larsen", "dubois", "costa", "kowalski", "schmidt", "sato", "patel", "chen", "wang",
)  # fmt: skip

SERVICE_PRINCIPALS = {
    "lambda": "lambda.amazonaws.com",
    "ec2": "ec2.amazonaws.com",
    "ecs-tasks": "ecs-tasks.amazonaws.com",
    "glue": "glue.amazonaws.com",
    "codebuild": "codebuild.amazonaws.com",
    "cloudformation": "cloudformation.amazonaws.com",
    "states": "states.amazonaws.com",
    "sagemaker": "sagemaker.amazonaws.com",
    "datapipeline": "datapipeline.amazonaws.com",
    "events": "events.amazonaws.com",
}
ORDINARY_SERVICE_WEIGHTS = {
    "lambda": 40,
    "ec2": 16,
    "ecs-tasks": 15,
    "glue": 6,
    "codebuild": 6,
    "cloudformation": 4,
    "states": 5,
    "sagemaker": 4,
    "events": 4,
}
RESOURCE_TYPES = {
    "lambda": "AWS::Lambda::Function",
    "ec2": "AWS::EC2::Instance",
    "codebuild": "AWS::CodeBuild::Project",
    "cloudformation": "AWS::CloudFormation::Stack",
    "glue": "AWS::Glue::DevEndpoint",
    "sagemaker": "AWS::SageMaker::NotebookInstance",
}
RESOURCE_WEIGHTS = {"lambda": 55, "ec2": 30, "codebuild": 5, "cloudformation": 5, "glue": 2, "sagemaker": 3}

ORDINARY_GRANTS = (
    "s3-read", "s3-write", "dynamodb", "sqs", "sns", "logs", "kms", "secrets", "params", "ec2-tags", "invoke",
    "deploy-lambda", "deploy-stack", "deploy-ecs", "glue-jobs", "states", "s3-notresource", "deny-delete",
    "deny-transport",
)  # fmt: skip
ORDINARY_GRANT_WEIGHTS = (14, 8, 12, 7, 4, 6, 7, 6, 6, 3, 4, 3, 2, 2, 2, 2, 1, 3, 2)
DYNAMODB_ACTIONS = [
    "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PutItem", "dynamodb:UpdateItem",
    "dynamodb:DeleteItem", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:DescribeTable",
]  # fmt: skip
SQS_ACTIONS = [
    "sqs:SendMessage",
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
]
LAMBDA_DEPLOY_ACTIONS = [
    "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:GetFunction", "lambda:PublishVersion",
]  # fmt: skip
STACK_DEPLOY_ACTIONS = [
    "cloudformation:CreateStack", "cloudformation:UpdateStack", "cloudformation:DescribeStacks",
    "cloudformation:CreateChangeSet",
]  # fmt: skip

ESCALATIONS = (
    "create-policy-version",
    "set-default-policy-version",
    "attach-policy-self",
    "put-policy-self",
    "group-policy-own-group",
    "create-access-key",
    "create-login-profile",
    "update-login-profile",
    "add-user-to-admin-group",
    "update-assume-role-policy",
    "passrole-lambda",
    "passrole-lambda-split",
    "passrole-ec2",
    "passrole-ecs",
    "passrole-cloudformation",
    "passrole-codebuild",
    "passrole-glue",
    "passrole-sagemaker",
    "passrole-datapipeline",
    "update-function-code",
    "ssm-send-command",
    "assume-admin-role",
    "glue-update-dev-endpoint",
    "codebuild-start-build",
    "cloudformation-update-stack",
    "iam-full-access",
    "power-user",
    "helpdesk-group",
    "trusted-by-admin-role",
    "assume-chain",
)
"""Planted kinds whose principal can escalate to administrator."""
TRAPS = (
    "trap-deny-cancels",
    "trap-passrole-wrong-service",
    "trap-boundary",
    "trap-passrole-harmless-role",
    "trap-never-true-condition",
    "trap-deny-notaction",
    "trap-admin-with-boundary",
)
"""Planted kinds that look like an escalation and are not one."""
USER_ONLY = frozenset({"group-policy-own-group", "add-user-to-admin-group", "helpdesk-group"})
ROLE_ONLY = frozenset({"trusted-by-admin-role", "assume-chain", "trap-admin-with-boundary"})
PLANTED_SHARE = 0.015
ADMIN_ROLE_SHARE = 0.004

# Administrator roles: name, trusted by (a service key, "root", "root-mfa", "org", "saml", "ci"), and how
# they are administrators ("aws" AdministratorAccess, "star" a customer * policy, "split" two policies).
ADMIN_TEMPLATES = (
    ("OrganizationAccountAccessRole", "org", "aws"),
    ("admin-breakglass", "root-mfa", "aws"),
    ("AWSReservedSSO_AdministratorAccess", "saml", "aws"),
    ("terraform-admin", "ci", "aws"),
    ("ops-admin", "root", "aws"),
    ("admin-lambda-automation", "lambda", "aws"),
    ("admin-ec2-bastion", "ec2", "aws"),
    ("admin-ecs-task", "ecs-tasks", "aws"),
    ("cfn-admin-execution", "cloudformation", "aws"),
    ("codebuild-admin", "codebuild", "aws"),
    ("glue-admin-etl", "glue", "aws"),
    ("sagemaker-admin-notebook", "sagemaker", "aws"),
    ("datapipeline-admin", "datapipeline", "aws"),
    ("legacy-full-access", "ec2", "star"),
    ("split-admin-lambda", "lambda", "split"),
)
ADMIN_SERVICES = ("lambda", "ec2", "ecs-tasks", "cloudformation", "codebuild", "glue", "sagemaker")


@dataclass
class Planted:
    """A principal given a known escalation (or a trap that looks like one)."""

    principal: str
    kind: str
    """One of :data:`ESCALATIONS` or :data:`TRAPS`."""
    escalates: bool
    detail: str


@dataclass
class Account:
    """A generated account: the GAAD document, the resources file, and what was planted in it."""

    gaad: dict[str, Any]
    resources: dict[str, Any]
    planted: list[Planted]
    admins: list[str]
    """ARNs of the administrator principals (effective ``*`` on ``*``)."""

    def summary(self) -> dict[str, Any]:
        """Counts of what the account holds, for printing."""
        policies = self.gaad["Policies"]
        principals = self.gaad["RoleDetailList"] + self.gaad["UserDetailList"]
        kinds = Counter(planted.kind for planted in self.planted)
        return {
            "roles": len(self.gaad["RoleDetailList"]),
            "users": len(self.gaad["UserDetailList"]),
            "groups": len(self.gaad["GroupDetailList"]),
            "customer_policies": sum(1 for p in policies if ":aws:policy/" not in p["Arn"]),
            "aws_managed_policies": sorted(p["PolicyName"] for p in policies if ":aws:policy/" in p["Arn"]),
            "attachments": sum(len(item["AttachedManagedPolicies"]) for item in principals),
            "inline_policies": sum(
                len(item.get("RolePolicyList", item.get("UserPolicyList", []))) for item in principals
            ),
            "permission_boundaries": sum(1 for item in principals if "PermissionsBoundary" in item),
            "resources": dict(Counter(resource["type"] for resource in self.resources["resources"])),
            "admins": len(self.admins),
            "planted_escalating": sum(1 for planted in self.planted if planted.escalates),
            "planted_traps": sum(1 for planted in self.planted if not planted.escalates),
            "planted_by_kind": dict(sorted(kinds.items())),
        }


@dataclass
class _Team:
    name: str
    buckets: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    queues: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    roles: dict[str, list[str]] = field(default_factory=dict)
    """Harmless (not planted, not admin) role ARNs by the service they trust."""
    group: str = ""
    policies: list[str] = field(default_factory=list)
    clean: list[str] = field(default_factory=list)
    """Policies that grant only data access: safe to give planted principals."""


@dataclass
class _Principal:
    item: Item
    team: _Team
    kind: str
    """``role`` or ``user``."""
    category: str
    """How it was made: ``planted``, ``service:lambda``, ``sso``, ``ci-runner``, ``user``, ..."""


def _statement(effect: str, actions: list[str] | str, resources: list[str] | str, **extra: Any) -> Statement:
    found: Statement = {"Effect": effect, "Action": actions, "Resource": resources}
    found.update(extra)
    return found


def _allow(actions: list[str] | str, resources: list[str] | str, **extra: Any) -> Statement:
    return _statement("Allow", actions, resources, **extra)


def _deny(actions: list[str] | str, resources: list[str] | str, **extra: Any) -> Statement:
    return _statement("Deny", actions, resources, **extra)


def _document(statements: list[Statement]) -> dict[str, Any]:
    return {"Version": VERSION, "Statement": statements}


def _iam(kind: str, name: str, path: str = "/") -> str:
    return f"arn:aws:iam::{ACCOUNT_ID}:{kind}{path}{name}"


def _short(arn: str) -> str:
    """``role/name`` for a principal ARN, ``policy/name`` for a policy."""
    return arn.split(":", 5)[5]


class _Builder:
    def __init__(self, roles: int, users: int, policies: int, seed: int) -> None:
        if roles < 1 or users < 1 or policies < 1:
            raise ValueError("roles, users and policies must be positive")
        self.n_roles, self.n_users, self.n_policies = roles, users, policies
        self.rng = random.Random(seed)
        self.aws_data: dict[str, Any] = json.loads(aws_managed_policies_data)
        self.roles: list[_Principal] = []
        self.users: list[_Principal] = []
        self.groups: dict[str, Item] = {}
        self.group_teams: dict[str, _Team] = {}  # team groups: their team
        self.customer: dict[str, Item] = {}
        self.aws: dict[str, Item] = {}
        self.names: dict[str, str] = {}  # policy ARN -> name
        self.attachments: Counter[str] = Counter()
        self.boundary_uses: Counter[str] = Counter()
        self.ids: set[str] = set()
        self.used: set[str] = set()
        self.planted: list[Planted] = []
        self.admins: list[str] = []
        self.resources: list[dict[str, Any]] = []
        self.teams = [_Team(name) for name in TEAMS]
        self.shared: list[str] = []
        self.shared_clean: list[str] = []
        self.admin_roles: dict[str, str] = {}  # service key / template name -> role ARN
        self.admin_users: list[str] = []
        self.admin_resources: dict[str, str] = {}  # resource kind -> ARN

    # ---------------------------------------------------------------- identifiers and entities

    def _id(self, prefix: str) -> str:
        while True:
            found = prefix + "".join(self.rng.choices(string.ascii_uppercase + "234567", k=17))
            if found not in self.ids:
                self.ids.add(found)
                return found

    def _date(self, start_year: int = 2018) -> str:
        start = datetime(start_year, 1, 1, tzinfo=UTC)
        moment = start + timedelta(
            seconds=self.rng.randrange(int((datetime(2026, 6, 1, tzinfo=UTC) - start).total_seconds()))
        )
        return moment.isoformat()

    def _unique(self, kind: str, name: str) -> str:
        candidate, number = name, 1
        while f"{kind}:{candidate.lower()}" in self.used:
            number += 1
            candidate = f"{name}-{number}"
        self.used.add(f"{kind}:{candidate.lower()}")
        return candidate

    def _hex(self, length: int) -> str:
        return "".join(self.rng.choices("0123456789abcdef", k=length))

    def _role(
        self,
        name: str,
        trust: list[Statement],
        team: _Team,
        category: str,
        *,
        path: str = "/",
        instance_profile: bool = False,
    ) -> _Principal:
        if len(self.roles) >= self.n_roles:
            raise ValueError(f"{self.n_roles} roles are too few for the administrators and planted roles")
        name = self._unique("role", name)
        item: Item = {
            "Path": path,
            "RoleName": name,
            "RoleId": self._id("AROA"),
            "Arn": _iam("role", name, path),
            "CreateDate": self._date(),
            "AssumeRolePolicyDocument": _document(trust),
            "InstanceProfileList": [],
            "RolePolicyList": [],
            "AttachedManagedPolicies": [],
            "Tags": [{"Key": "team", "Value": team.name}],
            "RoleLastUsed": {"LastUsedDate": self._date(2026), "Region": self.rng.choice(REGIONS)}
            if self.rng.random() < 0.8
            else {},
        }
        if instance_profile:
            summary = {key: item[key] for key in ("Path", "RoleName", "RoleId", "Arn", "CreateDate")}
            summary["AssumeRolePolicyDocument"] = item["AssumeRolePolicyDocument"]
            item["InstanceProfileList"].append(
                {
                    "Path": path,
                    "InstanceProfileName": name,
                    "InstanceProfileId": self._id("AIPA"),
                    "Arn": _iam("instance-profile", name, path),
                    "CreateDate": item["CreateDate"],
                    "Roles": [summary],
                }
            )
        principal = _Principal(item, team, "role", category)
        self.roles.append(principal)
        return principal

    def _user(self, team: _Team, category: str, name: str | None = None) -> _Principal:
        if len(self.users) >= self.n_users:
            raise ValueError(f"{self.n_users} users are too few for the administrators and planted users")
        if name is None:
            name = f"{self.rng.choice(FIRST_NAMES)}.{self.rng.choice(LAST_NAMES)}"
        name = self._unique("user", name)
        item: Item = {
            "Path": "/",
            "UserName": name,
            "UserId": self._id("AIDA"),
            "Arn": _iam("user", name),
            "CreateDate": self._date(),
            "UserPolicyList": [],
            "GroupList": [],
            "AttachedManagedPolicies": [],
            "Tags": [{"Key": "team", "Value": team.name}],
        }
        principal = _Principal(item, team, "user", category)
        self.users.append(principal)
        return principal

    def _group(self, name: str) -> Item:
        name = self._unique("group", name)
        item: Item = {
            "Path": "/",
            "GroupName": name,
            "GroupId": self._id("AGPA"),
            "Arn": _iam("group", name),
            "CreateDate": self._date(),
            "GroupPolicyList": [],
            "AttachedManagedPolicies": [],
        }
        self.groups[name] = item
        return item

    def _policy(
        self,
        name: str,
        statements: list[Statement] | Callable[[str], list[Statement]],
        *,
        path: str = "/",
        older: list[list[Statement]] | None = None,
    ) -> str:
        """A customer managed policy (its default version is ``statements``, after any ``older`` versions).

        ``statements`` may be a function of the policy's ARN, for a policy that names itself.
        """
        if len(self.customer) >= self.n_policies:
            raise ValueError(f"{self.n_policies} policies are too few for the shared, admin and planted policies")
        name = self._unique("policy", name)
        arn = _iam("policy", name, path)
        if callable(statements):
            statements = statements(arn)
        created = self._date()
        versions = [*(older or []), statements]
        self.customer[arn] = {
            "PolicyName": name,
            "PolicyId": self._id("ANPA"),
            "Arn": arn,
            "Path": path,
            "DefaultVersionId": f"v{len(versions)}",
            "AttachmentCount": 0,
            "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": True,
            "CreateDate": created,
            "UpdateDate": created,
            "PolicyVersionList": [
                {
                    "Document": _document(version),
                    "VersionId": f"v{number}",
                    "IsDefaultVersion": number == len(versions),
                    "CreateDate": created,
                }
                for number, version in enumerate(versions, 1)
            ],
        }
        self.names[arn] = name
        return arn

    def _aws_policy(self, name: str) -> str:
        """An AWS managed policy (its real document), added to ``Policies`` the first time it is used."""
        data = self.aws_data[name]
        arn = f"arn:aws:iam::aws:policy{data['Path']}{name}"
        if arn not in self.aws:
            self.aws[arn] = {
                "PolicyName": name,
                "PolicyId": self._id("ANPA"),
                "Arn": arn,
                "Path": data["Path"],
                "DefaultVersionId": data["DefaultVersionId"],
                "AttachmentCount": 0,
                "PermissionsBoundaryUsageCount": 0,
                "IsAttachable": True,
                "CreateDate": data["CreateDate"],
                "UpdateDate": data["UpdateDate"],
                "PolicyVersionList": [
                    {
                        "Document": data["Document"],
                        "VersionId": data["DefaultVersionId"],
                        "IsDefaultVersion": True,
                        "CreateDate": data["UpdateDate"],
                    }
                ],
            }
            self.names[arn] = name
        return arn

    def _attach(self, item: Item, arn: str) -> bool:
        attached = item["AttachedManagedPolicies"]
        if len(attached) >= MAX_ATTACHED or any(entry["PolicyArn"] == arn for entry in attached):
            return False
        attached.append({"PolicyName": self.names[arn], "PolicyArn": arn})
        self.attachments[arn] += 1
        return True

    @staticmethod
    def _inline(item: Item, name: str, statements: list[Statement]) -> None:
        key = "RolePolicyList" if "RoleName" in item else "UserPolicyList" if "UserName" in item else "GroupPolicyList"
        item[key].append({"PolicyName": name, "PolicyDocument": _document(statements)})

    def _bound(self, item: Item, arn: str) -> None:
        item["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}
        self.boundary_uses[arn] += 1

    def _give(self, principal: _Principal, name: str, statements: list[Statement]) -> str:
        """Give dangerous statements as a managed policy (half the time) or an inline one."""
        if self.rng.random() < 0.5 and len(principal.item["AttachedManagedPolicies"]) < MAX_ATTACHED:
            arn = self._policy(name, statements)
            self._attach(principal.item, arn)
            return arn
        self._inline(principal.item, name, statements)
        return ""

    # ---------------------------------------------------------------- trust policies

    @staticmethod
    def _service_trust(*services: str, source_account: bool = False) -> Statement:
        names = [SERVICE_PRINCIPALS[service] for service in services]
        found: Statement = {
            "Effect": "Allow",
            "Principal": {"Service": names[0] if len(names) == 1 else names},
            "Action": "sts:AssumeRole",
        }
        if source_account:
            found["Condition"] = {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}
        return found

    @staticmethod
    def _aws_trust(principals: list[str], condition: dict[str, Any] | None = None) -> Statement:
        found: Statement = {
            "Effect": "Allow",
            "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
            "Action": "sts:AssumeRole",
        }
        if condition:
            found["Condition"] = condition
        return found

    @staticmethod
    def _saml_trust() -> Statement:
        return {
            "Effect": "Allow",
            "Principal": {"Federated": SAML_PROVIDER},
            "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
            "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
        }

    # ---------------------------------------------------------------- teams and their resources

    def _setup_teams(self) -> None:
        scale = max(2, self.n_policies // (len(self.teams) * 8))
        for team in self.teams:
            for _ in range(scale):
                word = self.rng.choice(WORDS)
                team.buckets.append(f"acme-{team.name}-{word}-{self._hex(6)}")
                team.tables.append(f"{team.name}-{word}-{self._hex(4)}")
                region = self.rng.choice(REGIONS)
                team.queues.append(f"arn:aws:sqs:{region}:{ACCOUNT_ID}:{team.name}-{word}-{self._hex(4)}")
                team.topics.append(f"arn:aws:sns:{region}:{ACCOUNT_ID}:{team.name}-{word}-events")
                key = f"{self._hex(8)}-{self._hex(4)}-{self._hex(4)}-{self._hex(4)}-{self._hex(12)}"
                team.keys.append(f"arn:aws:kms:{region}:{ACCOUNT_ID}:key/{key}")
                suffix = "".join(self.rng.choices(string.ascii_letters, k=6))
                team.secrets.append(f"arn:aws:secretsmanager:{region}:{ACCOUNT_ID}:secret:{team.name}/{word}-{suffix}")

    def _setup_groups(self) -> None:
        n_groups = max(8, round(self.n_users / 20))
        self.admin_group = self._group("Admins")
        self.helpdesk_group = self._group("iam-helpdesk")
        self.mfa_group = self._group("mfa-required")
        self.all_users_group = self._group("all-users")
        self.readonly_group = self._group("ReadOnly")
        for index in range(n_groups - len(self.groups)):
            team = self.teams[index % len(self.teams)]
            suffix = ("engineers", "oncall", "analysts")[index // len(self.teams) % 3]
            group = self._group(f"{team.name}-{suffix}")
            self.group_teams[group["GroupName"]] = team
            if not team.group:
                team.group = group["GroupName"]

    # ---------------------------------------------------------------- shared and boundary policies

    def _setup_shared(self) -> None:
        self.boundary_developer = self._policy(
            "boundary-developer",
            [
                _allow(
                    [
                        "s3:*", "dynamodb:*", "sqs:*", "sns:*", "logs:*", "lambda:*", "cloudwatch:*", "xray:*",
                        "ecr:*", "states:*", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey",
                        "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "ssm:GetParameter*",
                        "ec2:Describe*", "cloudformation:Describe*", "cloudformation:List*",
                    ],
                    "*",
                ),
            ],
        )  # fmt: skip
        self.boundary_service = self._policy(
            "boundary-service-role",
            [
                _allow(
                    [
                        "s3:*", "dynamodb:*", "sqs:*", "sns:*", "logs:*", "kms:Decrypt", "kms:Encrypt",
                        "kms:GenerateDataKey*", "secretsmanager:GetSecretValue", "ssm:GetParameter*", "xray:*",
                        "cloudwatch:PutMetricData", "ecr:GetAuthorizationToken", "ecr:BatchGetImage",
                        "ecr:GetDownloadUrlForLayer", "ec2:Describe*", "ec2:CreateNetworkInterface",
                        "ec2:DeleteNetworkInterface",
                    ],
                    "*",
                ),
            ],
        )  # fmt: skip
        self.boundary_ci = self._policy(
            "boundary-ci",
            [
                _allow("*", "*"),
                _deny(["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "organizations:*"], "*"),
                _deny(
                    ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"],
                    "*",
                ),
            ],
        )
        self.boundary_readonly = self._policy(
            "boundary-readonly",
            [
                _allow(
                    [
                        "ec2:Describe*", "s3:Get*", "s3:List*", "logs:Get*", "logs:Describe*",
                        "cloudwatch:Get*", "cloudwatch:List*", "cloudwatch:Describe*",
                    ],
                    "*",
                )
            ],
        )  # fmt: skip
        common = [
            (
                "common-logs-write",
                [
                    _allow(
                        ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                        f"arn:aws:logs:*:{ACCOUNT_ID}:log-group:*",
                    )
                ],
            ),
            ("common-xray-write", [_allow(["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*")]),
            (
                "common-ecr-pull",
                [
                    _allow("ecr:GetAuthorizationToken", "*"),
                    _allow(
                        ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                        f"arn:aws:ecr:*:{ACCOUNT_ID}:repository/*",
                    ),
                ],
            ),
            (
                "common-metrics",
                [
                    _allow(
                        "cloudwatch:PutMetricData",
                        "*",
                        Condition={"StringLike": {"cloudwatch:namespace": ["Acme/*", "CWAgent"]}},
                    )
                ],
            ),
            ("common-ec2-describe", [_allow(["ec2:Describe*", "autoscaling:Describe*"], "*")]),
        ]
        for name, statements in common:
            arn = self._policy(name, statements)
            self.shared.append(arn)
            self.shared_clean.append(arn)
        self.force_mfa = self._policy(
            "force-mfa",
            [
                _allow(
                    [
                        "iam:ListVirtualMFADevices", "iam:ListMFADevices", "iam:GetUser",
                        "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ResyncMFADevice",
                    ],
                    [_iam("user", "${aws:username}"), _iam("mfa", "${aws:username}")],
                ),
                {
                    "Sid": "DenyAllExceptListedIfNoMFA",
                    "Effect": "Deny",
                    "NotAction": [
                        "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser", "iam:ListMFADevices",
                        "iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken",
                        "iam:ChangePassword",
                    ],
                    "Resource": "*",
                    "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
                },
            ],
        )  # fmt: skip
        self.self_manage = self._policy(
            "self-manage-credentials",
            [
                _allow(["iam:GetAccountPasswordPolicy", "iam:ListUsers"], "*"),
                _allow(
                    [
                        "iam:ChangePassword", "iam:GetLoginProfile", "iam:UpdateLoginProfile",
                        "iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys", "iam:UpdateAccessKey",
                        "iam:GetAccessKeyLastUsed", "iam:UploadSSHPublicKey", "iam:ListSSHPublicKeys",
                    ],
                    _iam("user", "${aws:username}"),
                ),
            ],
        )  # fmt: skip
        self.deny_regions = self._policy(
            "deny-outside-regions",
            [
                {
                    "Sid": "DenyOutsideAllowedRegions",
                    "Effect": "Deny",
                    "NotAction": [
                        "iam:*", "organizations:*", "sts:*", "support:*", "cloudfront:*", "route53:*",
                        "budgets:*", "waf:*", "health:*",
                    ],
                    "Resource": "*",
                    "Condition": {"StringNotEquals": {"aws:RequestedRegion": list(REGIONS)}},
                }
            ],
        )  # fmt: skip
        self.deny_destructive = self._policy(
            "deny-destructive",
            [
                _deny(
                    [
                        "s3:DeleteBucket", "dynamodb:DeleteTable", "kms:ScheduleKeyDeletion", "kms:DisableKey",
                        "rds:DeleteDBInstance", "logs:DeleteLogGroup", "cloudtrail:StopLogging",
                        "cloudtrail:DeleteTrail",
                    ],
                    "*",
                )
            ],
        )  # fmt: skip
        self.shared.extend([self.deny_regions, self.deny_destructive])

    # ---------------------------------------------------------------- administrators

    def _setup_admins(self) -> None:
        admin_team = _Team("platform")
        count = max(len(ADMIN_TEMPLATES), round(self.n_roles * ADMIN_ROLE_SHARE))
        administrator = self._aws_policy("AdministratorAccess")
        for index in range(count):
            name, trusted, how = ADMIN_TEMPLATES[index % len(ADMIN_TEMPLATES)]
            if index >= len(ADMIN_TEMPLATES):  # the extra ones: more service admins
                name, trusted, how = ADMIN_TEMPLATES[5 + index % 8]
                name = f"{name}-{index // len(ADMIN_TEMPLATES) + 1}"
            path = "/"
            if trusted == "org":
                trust = [self._aws_trust([f"arn:aws:iam::{ORG_ACCOUNTS[0]}:root"])]
            elif trusted == "root-mfa":
                trust = [
                    self._aws_trust(
                        [f"arn:aws:iam::{ACCOUNT_ID}:root"],
                        {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
                    )
                ]
            elif trusted == "root":
                trust = [self._aws_trust([f"arn:aws:iam::{ACCOUNT_ID}:root"])]
            elif trusted == "saml":
                trust = [self._saml_trust()]
                name = f"{name}_{self._hex(16)}"
                path = "/aws-reserved/sso.amazonaws.com/"
            elif trusted == "ci":
                trust = [self._aws_trust([f"arn:aws:iam::{ORG_ACCOUNTS[0]}:role/org-terraform"])]
            elif trusted == "datapipeline":
                trust = [self._service_trust("datapipeline"), self._service_trust("ec2")]
            else:
                trust = [self._service_trust(trusted, source_account=self.rng.random() < 0.3)]
            role = self._role(name, trust, admin_team, "admin", path=path, instance_profile=trusted == "ec2")
            arn = role.item["Arn"]
            if how == "aws":
                self._attach(role.item, administrator)
            elif how == "star":
                self._attach(role.item, self._policy(f"{name}-policy", [_allow("*", "*")]))
            else:
                self._attach(
                    role.item,
                    self._policy(f"{name}-all-but-iam", [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]),
                )
                self._attach(role.item, self._policy(f"{name}-iam", [_allow("iam:*", "*")]))
            self.admins.append(arn)
            self.admin_roles.setdefault(trusted, arn)
            self.admin_roles.setdefault(name, arn)
        self._attach(self.admin_group, administrator)
        for _ in range(max(1, self.n_users // 400)):
            user = self._user(admin_team, "admin", f"admin.{self.rng.choice(FIRST_NAMES)}")
            user.item["GroupList"].append(self.admin_group["GroupName"])
            self.admin_users.append(user.item["Arn"])
            self.admins.append(user.item["Arn"])
        self._admin_resources()

    def _admin_resources(self) -> None:
        region = REGIONS[0]
        specs = (
            ("function", "lambda", f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:ops-admin-automation"),
            ("function2", "lambda", f"arn:aws:lambda:{REGIONS[1]}:{ACCOUNT_ID}:function:account-janitor"),
            ("instance", "ec2", f"arn:aws:ec2:{region}:{ACCOUNT_ID}:instance/i-0{self._hex(16)}"),
            ("instance2", "ec2", f"arn:aws:ec2:{region}:{ACCOUNT_ID}:instance/i-0{self._hex(16)}"),
            (
                "stack",
                "cloudformation",
                f"arn:aws:cloudformation:{region}:{ACCOUNT_ID}:stack/platform-baseline/{self._uuid()}",
            ),
            ("project", "codebuild", f"arn:aws:codebuild:{region}:{ACCOUNT_ID}:project/infra-deploy"),
            ("endpoint", "glue", f"arn:aws:glue:{region}:{ACCOUNT_ID}:devEndpoint/etl-dev"),
            ("notebook", "sagemaker", f"arn:aws:sagemaker:{region}:{ACCOUNT_ID}:notebook-instance/ds-admin-notebook"),
        )
        for kind, service, arn in specs:
            resource: dict[str, Any] = {"type": RESOURCE_TYPES[service], "arn": arn, "role": self.admin_roles[service]}
            if kind == "instance":  # the bastion: public, IMDSv1
                resource.update(public_ip=f"54.{self.rng.randrange(256)}.{self.rng.randrange(256)}.10", imds_v1=True)
            elif service == "ec2":
                resource.update(imds_v1=False)
            self.resources.append(resource)
            self.admin_resources[kind] = arn

    def _uuid(self) -> str:
        return f"{self._hex(8)}-{self._hex(4)}-{self._hex(4)}-{self._hex(4)}-{self._hex(12)}"

    # ---------------------------------------------------------------- planted principals

    def _setup_plants(self) -> None:
        count = max(len(ESCALATIONS) + len(TRAPS), round((self.n_roles + self.n_users) * PLANTED_SHARE))
        kinds = [*ESCALATIONS, *TRAPS]
        # after one of each: escalations three times as often as traps
        weights = [3] * len(ESCALATIONS) + [1] * len(TRAPS)
        kinds.extend(self.rng.choices([*ESCALATIONS, *TRAPS], weights=weights, k=count - len(kinds)))
        for kind in kinds:
            self._plant(kind)

    def _plant_principal(self, kind: str, team: _Team) -> _Principal:
        share_roles = self.n_roles / (self.n_roles + self.n_users)
        as_role = kind in ROLE_ONLY or (kind not in USER_ONLY and self.rng.random() < share_roles)
        if not as_role:
            return self._user(team, "planted")
        service = self.rng.choice(("lambda", "ec2", "ecs-tasks", "codebuild"))
        if kind in ("trusted-by-admin-role", "assume-chain"):
            return self._role(f"{team.name}-ci-runner", [self._service_trust("codebuild")], team, "planted")
        if self.rng.random() < 0.2:
            return self._role(
                f"AWSReservedSSO_{team.name}-engineer_{self._hex(16)}",
                [self._saml_trust()],
                team,
                "planted",
                path="/aws-reserved/sso.amazonaws.com/",
            )
        word = self.rng.choice(WORDS)
        return self._role(f"{team.name}-{word}-{service}", [self._service_trust(service)], team, "planted")

    def _plant(self, kind: str) -> None:
        team = self.rng.choice(self.teams)
        principal = self._plant_principal(kind, team)
        arn = principal.item["Arn"]
        build: Callable[[_Principal], str] = getattr(self, "_plant_" + kind.replace("-", "_"))
        detail = build(principal)
        self.planted.append(Planted(arn, kind, kind in ESCALATIONS, f"{_short(arn)}: {detail}"))

    # Each _plant_<kind> gives the principal what the kind needs and returns what it does.

    def _all_roles(self) -> str:
        return _iam("role", "*")

    def _passrole(self, principal: _Principal, service: str, actions: list[str], split: bool = False) -> str:
        target = self.admin_roles[service]
        resource = self._all_roles() if self.rng.random() < 0.7 else target
        passrole = _allow("iam:PassRole", resource)
        if self.rng.random() < 0.4:
            passrole["Condition"] = {"StringEquals": {"iam:PassedToService": SERVICE_PRINCIPALS[service]}}
        use = _allow(actions, "*")
        if split:
            self._give(principal, f"{principal.team.name}-passrole", [passrole])
            self._give(principal, f"{principal.team.name}-{service}-deploy", [use])
        else:
            self._give(principal, f"{principal.team.name}-{service}-admin", [passrole, use])
        return f"iam:PassRole on {_short(resource)} + {' + '.join(actions)} -> {_short(target)}"

    def _plant_create_policy_version(self, principal: _Principal) -> str:
        if self.rng.random() < 0.5:
            bucket = self.rng.choice(principal.team.buckets)
            created = self._policy(
                f"{principal.team.name}-self-service",
                lambda arn: [
                    _allow(["iam:CreatePolicyVersion", "iam:GetPolicy", "iam:GetPolicyVersion"], arn),
                    _allow(["s3:GetObject"], f"arn:aws:s3:::{bucket}/*"),
                ],
            )
            self._attach(principal.item, created)
            return f"iam:CreatePolicyVersion on its own attached {_short(created)}"
        self._give(
            principal, f"{principal.team.name}-policy-editor", [_allow("iam:CreatePolicyVersion", _iam("policy", "*"))]
        )
        return "iam:CreatePolicyVersion on policy/* (any customer policy attached to it)"

    def _plant_set_default_policy_version(self, principal: _Principal) -> str:
        team = principal.team
        arn = self._policy(
            f"{team.name}-legacy-access",
            [_allow(["s3:GetObject", "s3:ListBucket"], f"arn:aws:s3:::{self.rng.choice(team.buckets)}*")],
            older=[[_allow("*", "*")]],
        )
        self._attach(principal.item, arn)
        self._give(
            principal,
            f"{team.name}-policy-rollback",
            [_allow(["iam:SetDefaultPolicyVersion", "iam:ListPolicyVersions"], arn)],
        )
        return f"iam:SetDefaultPolicyVersion on {_short(arn)}, whose non-default v1 allows * on *"

    def _plant_attach_policy_self(self, principal: _Principal) -> str:
        action = "iam:AttachRolePolicy" if principal.kind == "role" else "iam:AttachUserPolicy"
        self._give(principal, f"{principal.team.name}-self-attach", [_allow(action, principal.item["Arn"])])
        return f"{action} on itself"

    def _plant_put_policy_self(self, principal: _Principal) -> str:
        action = "iam:PutRolePolicy" if principal.kind == "role" else "iam:PutUserPolicy"
        resource = principal.item["Arn"] if self.rng.random() < 0.6 else _iam(principal.kind, "*")
        self._give(
            principal,
            f"{principal.team.name}-inline-editor",
            [_allow([action, action.replace("Put", "Get")], resource)],
        )
        return f"{action} on {_short(resource)}"

    def _plant_group_policy_own_group(self, principal: _Principal) -> str:
        group = self.groups[principal.team.group or next(team.group for team in self.teams if team.group)]
        principal.item["GroupList"].append(group["GroupName"])
        action = self.rng.choice(("iam:PutGroupPolicy", "iam:AttachGroupPolicy"))
        self._give(principal, f"{principal.team.name}-group-admin", [_allow(action, group["Arn"])])
        return f"{action} on group/{group['GroupName']}, which it is a member of"

    def _plant_create_access_key(self, principal: _Principal) -> str:
        resource = _iam("user", "*") if self.rng.random() < 0.6 else self.rng.choice(self.admin_users)
        self._give(
            principal,
            f"{principal.team.name}-key-rotation",
            [_allow(["iam:CreateAccessKey", "iam:ListAccessKeys"], resource)],
        )
        return f"iam:CreateAccessKey on {_short(resource)} (administrator users exist)"

    def _plant_create_login_profile(self, principal: _Principal) -> str:
        self._give(
            principal,
            f"{principal.team.name}-console-onboarding",
            [_allow("iam:CreateLoginProfile", _iam("user", "*"))],
        )
        return "iam:CreateLoginProfile on user/*"

    def _plant_update_login_profile(self, principal: _Principal) -> str:
        target = self.rng.choice(self.admin_users)
        self._give(
            principal,
            f"{principal.team.name}-password-reset",
            [_allow(["iam:UpdateLoginProfile", "iam:GetLoginProfile"], target)],
        )
        return f"iam:UpdateLoginProfile on {_short(target)}"

    def _plant_add_user_to_admin_group(self, principal: _Principal) -> str:
        self._give(
            principal,
            f"{principal.team.name}-group-membership",
            [_allow("iam:AddUserToGroup", self.admin_group["Arn"])],
        )
        return "iam:AddUserToGroup on group/Admins"

    def _plant_update_assume_role_policy(self, principal: _Principal) -> str:
        target = self.admin_roles[self.rng.choice(ADMIN_SERVICES)]
        self._give(
            principal,
            f"{principal.team.name}-trust-editor",
            [_allow(["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"], target)],
        )
        return f"iam:UpdateAssumeRolePolicy + sts:AssumeRole on {_short(target)}"

    def _plant_passrole_lambda(self, principal: _Principal) -> str:
        return self._passrole(principal, "lambda", ["lambda:CreateFunction", "lambda:InvokeFunction"])

    def _plant_passrole_lambda_split(self, principal: _Principal) -> str:
        detail = self._passrole(principal, "lambda", ["lambda:CreateFunction", "lambda:InvokeFunction"], split=True)
        return detail + " (PassRole and the Lambda actions in two policies)"

    def _plant_passrole_ec2(self, principal: _Principal) -> str:
        return self._passrole(principal, "ec2", ["ec2:RunInstances"])

    def _plant_passrole_ecs(self, principal: _Principal) -> str:
        return self._passrole(
            principal, "ecs-tasks", ["ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:RunTask"]
        )

    def _plant_passrole_cloudformation(self, principal: _Principal) -> str:
        return self._passrole(
            principal, "cloudformation", ["cloudformation:CreateStack", "cloudformation:DescribeStacks"]
        )

    def _plant_passrole_codebuild(self, principal: _Principal) -> str:
        return self._passrole(principal, "codebuild", ["codebuild:CreateProject", "codebuild:StartBuild"])

    def _plant_passrole_glue(self, principal: _Principal) -> str:
        return self._passrole(principal, "glue", ["glue:CreateDevEndpoint", "glue:GetDevEndpoint"])

    def _plant_passrole_sagemaker(self, principal: _Principal) -> str:
        return self._passrole(
            principal, "sagemaker", ["sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"]
        )

    def _plant_passrole_datapipeline(self, principal: _Principal) -> str:
        return self._passrole(
            principal,
            "datapipeline",
            ["datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition", "datapipeline:ActivatePipeline"],
        )

    def _plant_update_function_code(self, principal: _Principal) -> str:
        target = self.admin_resources["function"]
        resource = target if self.rng.random() < 0.6 else f"arn:aws:lambda:*:{ACCOUNT_ID}:function:*"
        self._give(
            principal,
            f"{principal.team.name}-lambda-hotfix",
            [_allow(["lambda:UpdateFunctionCode", "lambda:InvokeFunction", "lambda:GetFunction"], resource)],
        )
        return f"lambda:UpdateFunctionCode on {resource.rsplit(':', 1)[1]} -> {_short(self.admin_roles['lambda'])}"

    def _plant_ssm_send_command(self, principal: _Principal) -> str:
        instance = self.admin_resources["instance2"]
        target = instance if self.rng.random() < 0.5 else f"arn:aws:ec2:*:{ACCOUNT_ID}:instance/*"
        self._give(
            principal,
            f"{principal.team.name}-fleet-ops",
            [
                _allow(
                    ["ssm:SendCommand", "ssm:GetCommandInvocation"],
                    [target, "arn:aws:ssm:*::document/AWS-RunShellScript"],
                )
            ],
        )
        return f"ssm:SendCommand on {target.rsplit(':', 1)[1]} -> {_short(self.admin_roles['ec2'])}"

    def _plant_assume_admin_role(self, principal: _Principal) -> str:
        target = self.admin_roles["root"]
        self._give(principal, f"{principal.team.name}-ops-access", [_allow("sts:AssumeRole", target)])
        return f"sts:AssumeRole on {_short(target)}, which trusts the account"

    def _plant_glue_update_dev_endpoint(self, principal: _Principal) -> str:
        self._give(
            principal,
            f"{principal.team.name}-glue-dev",
            [_allow(["glue:UpdateDevEndpoint", "glue:GetDevEndpoint"], f"arn:aws:glue:*:{ACCOUNT_ID}:devEndpoint/*")],
        )
        return f"glue:UpdateDevEndpoint on devEndpoint/* -> {_short(self.admin_roles['glue'])}"

    def _plant_codebuild_start_build(self, principal: _Principal) -> str:
        project = self.admin_resources["project"]
        self._give(
            principal,
            f"{principal.team.name}-build-runner",
            [_allow(["codebuild:StartBuild", "codebuild:BatchGetBuilds"], project)],
        )
        target = _short(self.admin_roles["codebuild"])
        return f"codebuild:StartBuild (buildspec override) on project/infra-deploy -> {target}"

    def _plant_cloudformation_update_stack(self, principal: _Principal) -> str:
        stack = f"arn:aws:cloudformation:*:{ACCOUNT_ID}:stack/platform-baseline/*"
        self._give(
            principal,
            f"{principal.team.name}-stack-maintainer",
            [_allow(["cloudformation:UpdateStack", "cloudformation:DescribeStacks"], stack)],
        )
        return f"cloudformation:UpdateStack on stack/platform-baseline -> {_short(self.admin_roles['cloudformation'])}"

    def _plant_iam_full_access(self, principal: _Principal) -> str:
        self._attach(principal.item, self._aws_policy("IAMFullAccess"))
        return "IAMFullAccess (iam:* on *)"

    def _plant_power_user(self, principal: _Principal) -> str:
        self._attach(principal.item, self._aws_policy("PowerUserAccess"))
        return (
            "PowerUserAccess: lambda:UpdateFunctionCode / ssm:SendCommand / ... on resources that run as admin roles, "
            "sts:AssumeRole on role/ops-admin"
        )

    def _plant_helpdesk_group(self, principal: _Principal) -> str:
        group = self.helpdesk_group
        if not group["GroupPolicyList"]:
            self._inline(
                group,
                "helpdesk-console-access",
                [
                    _allow(
                        ["iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:GetLoginProfile", "iam:ListUsers"],
                        _iam("user", "*"),
                    )
                ],
            )
        principal.item["GroupList"].append(group["GroupName"])
        return "member of group/iam-helpdesk: iam:UpdateLoginProfile on user/*"

    def _plant_trusted_by_admin_role(self, principal: _Principal) -> str:
        trust = self._trust_of(self.admin_roles["terraform-admin"])
        trust["Statement"].append(self._aws_trust([principal.item["Arn"]]))
        return "role/terraform-admin trusts it (no permission needed to assume it)"

    def _trust_of(self, role_arn: str) -> dict[str, Any]:
        for role in self.roles:
            if role.item["Arn"] == role_arn:
                document: dict[str, Any] = role.item["AssumeRolePolicyDocument"]
                return document
        raise KeyError(role_arn)

    def _plant_assume_chain(self, principal: _Principal) -> str:
        team = principal.team
        deploy = self._role(f"{team.name}-ci-deploy", [self._aws_trust([principal.item["Arn"]])], team, "planted")
        detail = self._plant_passrole_cloudformation(deploy)
        self.planted.append(
            Planted(deploy.item["Arn"], "passrole-cloudformation", True, f"{_short(deploy.item['Arn'])}: {detail}")
        )
        self._give(principal, f"{team.name}-ci-assume", [_allow("sts:AssumeRole", deploy.item["Arn"])])
        return f"sts:AssumeRole on {_short(deploy.item['Arn'])} (trusts it), which can {detail}"

    def _plant_trap_deny_cancels(self, principal: _Principal) -> str:
        team = principal.team.name
        self._give(
            principal,
            f"{team}-policy-maintainer",
            [_allow(["iam:CreatePolicyVersion", "iam:GetPolicyVersion"], _iam("policy", "*"))],
        )
        self._give(
            principal, f"{team}-guardrails", [_deny(["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"], "*")]
        )
        return "iam:CreatePolicyVersion on policy/* allowed, denied by another policy"

    def _plant_trap_passrole_wrong_service(self, principal: _Principal) -> str:
        self._give(
            principal,
            f"{principal.team.name}-launcher",
            [
                _allow(
                    "iam:PassRole",
                    self._all_roles(),
                    Condition={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}},
                ),
                _allow(["ec2:RunInstances", "ec2:DescribeInstances"], "*"),
            ],
        )
        return "iam:PassRole on role/* only to lambda.amazonaws.com, with ec2:RunInstances and no Lambda actions"

    def _plant_trap_boundary(self, principal: _Principal) -> str:
        action = "iam:AttachRolePolicy" if principal.kind == "role" else "iam:AttachUserPolicy"
        self._give(principal, f"{principal.team.name}-self-attach", [_allow(action, principal.item["Arn"])])
        self._bound(principal.item, self.boundary_developer)
        return f"{action} on itself, outside its permission boundary (boundary-developer, no iam:)"

    def _plant_trap_passrole_harmless_role(self, principal: _Principal) -> str:
        # a role that only runs the team's functions; made here so that it exists whatever the order
        team = principal.team
        harmless = self._role(f"{team.name}-thumbnailer-lambda", [self._service_trust("lambda")], team, "trap-target")
        self._attach(harmless.item, self._aws_policy("AWSLambdaBasicExecutionRole"))
        target = harmless.item["Arn"]
        self._give(
            principal,
            f"{team.name}-function-deployer",
            [_allow("iam:PassRole", target), _allow(["lambda:CreateFunction", "lambda:InvokeFunction"], "*")],
        )
        return f"iam:PassRole only on {_short(target)} (logs only) + lambda:CreateFunction + lambda:InvokeFunction"

    def _plant_trap_never_true_condition(self, principal: _Principal) -> str:
        action = "iam:PutRolePolicy" if principal.kind == "role" else "iam:PutUserPolicy"
        self._give(
            principal,
            f"{principal.team.name}-break-glass-edit",
            [
                _allow(
                    action, principal.item["Arn"], Condition={"StringEquals": {"aws:PrincipalAccount": UNKNOWN_ACCOUNT}}
                )
            ],
        )
        return f"{action} on itself only when aws:PrincipalAccount is {UNKNOWN_ACCOUNT} (never)"

    def _plant_trap_deny_notaction(self, principal: _Principal) -> str:
        team = principal.team.name
        action = "iam:PutRolePolicy" if principal.kind == "role" else "iam:PutUserPolicy"
        self._give(principal, f"{team}-inline-editor", [_allow(action, principal.item["Arn"])])
        self._give(
            principal,
            f"{team}-quarantine",
            [{"Effect": "Deny", "NotAction": ["s3:GetObject", "s3:ListBucket", "logs:*"], "Resource": "*"}],
        )
        return f"{action} on itself, denied by a Deny NotAction [s3:GetObject, s3:ListBucket, logs:*]"

    def _plant_trap_admin_with_boundary(self, principal: _Principal) -> str:
        self._attach(principal.item, self._aws_policy("AdministratorAccess"))
        self._bound(principal.item, self.boundary_readonly)
        return "AdministratorAccess under the boundary-readonly permission boundary (reads only)"

    # ---------------------------------------------------------------- ordinary principals

    def _setup_ordinary_roles(self) -> None:
        categories = ("service", "sso", "ci", "root", "org", "vendor-external-id", "vendor-open")
        weights = (84, 4, 4, 3, 2, 2, 1)
        services = list(ORDINARY_SERVICE_WEIGHTS)
        service_weights = list(ORDINARY_SERVICE_WEIGHTS.values())
        runners: dict[str, list[str]] = {}
        while len(self.roles) < self.n_roles:
            team = self.rng.choice(self.teams)
            category = self.rng.choices(categories, weights)[0]
            word = self.rng.choice(WORDS)
            if category == "service":
                service = self.rng.choices(services, service_weights)[0]
                path = "/service-role/" if self.rng.random() < 0.2 else "/"
                role = self._role(
                    f"{team.name}-{word}-{service}",
                    [self._service_trust(service, source_account=self.rng.random() < 0.15)],
                    team,
                    f"service:{service}",
                    path=path,
                    instance_profile=service == "ec2",
                )
                team.roles.setdefault(service, []).append(role.item["Arn"])
            elif category == "sso":
                sso_name = self.rng.choice(("developer", "readonly", "oncall", "analyst"))
                self._role(
                    f"AWSReservedSSO_{team.name}-{sso_name}_{self._hex(16)}",
                    [self._saml_trust()],
                    team,
                    "sso",
                    path="/aws-reserved/sso.amazonaws.com/",
                )
            elif category == "ci":
                team_runners = runners.setdefault(team.name, [])
                if not team_runners or self.rng.random() < 0.3:
                    runner = self._role(f"{team.name}-ci-runner", [self._service_trust("codebuild")], team, "ci-runner")
                    team_runners.append(runner.item["Arn"])
                else:
                    trusted = self.rng.sample(team_runners, k=min(len(team_runners), self.rng.randint(1, 2)))
                    self._role(f"{team.name}-ci-deploy", [self._aws_trust(trusted)], team, "ci-deploy")
            elif category == "root":
                self._role(
                    f"{team.name}-{word}-access", [self._aws_trust([f"arn:aws:iam::{ACCOUNT_ID}:root"])], team, "root"
                )
            elif category == "org":
                account = self.rng.choice(ORG_ACCOUNTS)
                principal = (
                    f"arn:aws:iam::{account}:root"
                    if self.rng.random() < 0.5
                    else f"arn:aws:iam::{account}:role/{team.name}-{word}"
                )
                self._role(f"{team.name}-cross-account-{word}", [self._aws_trust([principal])], team, "org")
            else:
                vendor = self.rng.choice(sorted(VENDOR_ACCOUNTS))
                condition = None
                if category == "vendor-external-id":
                    condition = {"StringEquals": {"sts:ExternalId": self._uuid()}}
                self._role(
                    f"{vendor}-integration",
                    [self._aws_trust([f"arn:aws:iam::{VENDOR_ACCOUNTS[vendor]}:root"], condition)],
                    team,
                    category,
                )

    def _setup_ordinary_users(self) -> None:
        while len(self.users) < self.n_users:
            team = self.rng.choice(self.teams)
            user = self._user(team, "user")
            groups = user.item["GroupList"]
            if team.group and self.rng.random() < 0.8:
                groups.append(team.group)
            if self.rng.random() < 0.1:
                other = self.rng.choice(self.teams).group
                if other and other not in groups:
                    groups.append(other)
            if self.rng.random() < 0.7:
                groups.append(self.all_users_group["GroupName"])
            if self.rng.random() < 0.5:
                groups.append(self.mfa_group["GroupName"])
            if self.rng.random() < 0.03:
                groups.append(self.readonly_group["GroupName"])

    # ---------------------------------------------------------------- resources that run as roles

    def _setup_resources(self) -> None:
        target = max(30, round(self.n_roles * 0.4))
        kinds = list(RESOURCE_WEIGHTS)
        weights = list(RESOURCE_WEIGHTS.values())
        attempts = 0
        while len(self.resources) < target and attempts < target * 20:
            attempts += 1
            team = self.rng.choice(self.teams)
            service = self.rng.choices(kinds, weights)[0]
            roles = team.roles.get(service)
            if not roles:
                continue
            role = self.rng.choice(roles)
            region = self.rng.choice(REGIONS)
            word = self.rng.choice(WORDS)
            extra: dict[str, Any] = {}
            if service == "lambda":
                arn = f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{self._unique('function', f'{team.name}-{word}')}"
                roll = self.rng.random()
                if roll < 0.03:
                    extra["url_auth"] = "NONE"
                elif roll < 0.08:
                    extra["url_auth"] = "AWS_IAM"
                team.functions.append(arn)
            elif service == "ec2":
                arn = f"arn:aws:ec2:{region}:{ACCOUNT_ID}:instance/i-0{self._hex(16)}"
                if self.rng.random() < 0.2:
                    octets = (self.rng.randrange(256), self.rng.randrange(256), self.rng.randrange(1, 255))
                    extra["public_ip"] = "3.{}.{}.{}".format(*octets)
                extra["imds_v1"] = self.rng.random() < 0.3
            elif service == "codebuild":
                name = self._unique("project", f"{team.name}-{word}-build")
                arn = f"arn:aws:codebuild:{region}:{ACCOUNT_ID}:project/{name}"
            elif service == "cloudformation":
                name = self._unique("stack", f"{team.name}-{word}")
                arn = f"arn:aws:cloudformation:{region}:{ACCOUNT_ID}:stack/{name}/{self._uuid()}"
            elif service == "glue":
                name = self._unique("endpoint", f"{team.name}-{word}-dev")
                arn = f"arn:aws:glue:{region}:{ACCOUNT_ID}:devEndpoint/{name}"
            else:
                name = self._unique("notebook", f"{team.name}-{word}")
                arn = f"arn:aws:sagemaker:{region}:{ACCOUNT_ID}:notebook-instance/{name}"
            self.resources.append({"type": RESOURCE_TYPES[service], "arn": arn, "role": role, **extra})

    # ---------------------------------------------------------------- ordinary policies

    def _bucket_resources(self, team: _Team, objects: bool, count: int) -> list[str]:
        found: list[str] = []
        for bucket in self.rng.sample(team.buckets, k=min(count, len(team.buckets))):
            if objects:
                prefix = self.rng.choice(("", "", "incoming/", "reports/", "${aws:username}/"))
                found.append(f"arn:aws:s3:::{bucket}/{prefix}*")
            else:
                found.extend([f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"])
        return found

    def _ordinary_statement(self, team: _Team) -> tuple[list[Statement], bool]:
        """One ordinary grant over the team's resources (one or two statements), and whether it is clean:
        data access only, nothing that could take part in an escalation."""
        rng = self.rng
        kind = rng.choices(ORDINARY_GRANTS, ORDINARY_GRANT_WEIGHTS)[0]
        region = rng.choice(REGIONS)
        arn_tail = f"{region}:{ACCOUNT_ID}"
        statement: Statement
        if kind == "s3-read":
            actions = rng.choice(
                (
                    ["s3:GetObject", "s3:ListBucket"],
                    ["s3:Get*", "s3:List*"],
                    ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"],
                )
            )
            statement = _allow(actions, self._bucket_resources(team, False, rng.randint(1, 3)))
            if rng.random() < 0.2:
                statement["Condition"] = {"Bool": {"aws:SecureTransport": "true"}}
            return [statement], True
        if kind == "s3-write":
            statement = _allow(
                ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
                self._bucket_resources(team, True, rng.randint(1, 2)),
            )
            if rng.random() < 0.2:
                statement["Condition"] = {"StringEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}
            return [statement], True
        if kind == "dynamodb":
            actions = sorted(rng.sample(DYNAMODB_ACTIONS, k=rng.randint(2, 6)))
            tables = [f"arn:aws:dynamodb:{arn_tail}:table/{table}" for table in rng.sample(team.tables, k=2)]
            statement = _allow(actions, tables + [f"{table}/index/*" for table in tables])
            if rng.random() < 0.1:
                statement["Condition"] = {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:userid}"]}}
            return [statement], True
        if kind == "sqs":
            return [_allow(SQS_ACTIONS[: rng.randint(2, 5)], rng.sample(team.queues, k=2))], True
        if kind == "sns":
            return [_allow("sns:Publish", rng.choice(team.topics))], True
        if kind == "logs":
            group = f"arn:aws:logs:{arn_tail}:log-group:/aws/lambda/{team.name}-*:*"
            return [_allow(["logs:CreateLogStream", "logs:PutLogEvents"], group)], True
        if kind == "kms":
            statement = _allow(["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"], rng.sample(team.keys, k=2))
            if rng.random() < 0.4:
                via = [f"s3.{region}.amazonaws.com", f"secretsmanager.{region}.amazonaws.com"]
                statement["Condition"] = {"StringEquals": {"kms:ViaService": via}}
            return [statement], True
        if kind == "secrets":
            secret = rng.choice(team.secrets)
            resource = secret if rng.random() < 0.6 else secret[:-6] + "??????"
            return [_allow(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], resource)], True
        if kind == "params":
            actions = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]
            return [_allow(actions, f"arn:aws:ssm:{arn_tail}:parameter/{team.name}/*")], True
        if kind == "ec2-tags":
            statement = _allow(
                ["ec2:StartInstances", "ec2:StopInstances", "ec2:RebootInstances"],
                f"arn:aws:ec2:*:{ACCOUNT_ID}:instance/*",
                Condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
            )
            return [statement], True
        if kind == "states":
            machines = f"arn:aws:states:{arn_tail}:stateMachine:{team.name}-*"
            return [_allow(["states:StartExecution", "states:DescribeExecution"], machines)], True
        if kind == "s3-notresource":
            restricted = f"arn:aws:s3:::acme-{team.name}-*-restricted"
            statement = {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "NotResource": [restricted, f"{restricted}/*"],
            }
            return [statement], True
        if kind == "invoke" and team.functions:
            return [_allow("lambda:InvokeFunction", rng.sample(team.functions, k=min(3, len(team.functions))))], True
        changes = self._change_grant(kind, team, arn_tail)
        if changes:
            return changes, False
        # an "invoke" or "deploy-lambda" pick for a team with no functions (yet)
        return [_allow(["ec2:DescribeInstances", "ec2:DescribeTags"], "*")], True

    def _change_grant(self, kind: str, team: _Team, arn_tail: str) -> list[Statement]:
        """Deployment grants (they change what runs as a role, so never clean) and Denies; [] for other kinds."""
        rng = self.rng
        if kind == "deploy-lambda" and team.functions and team.roles.get("lambda"):
            functions = rng.sample(team.functions, k=min(3, len(team.functions)))
            return [_allow(LAMBDA_DEPLOY_ACTIONS, functions), self._team_passrole(team, "lambda")]
        if kind == "deploy-stack":
            stacks = f"arn:aws:cloudformation:{arn_tail}:stack/{team.name}-*/*"
            found = [_allow(STACK_DEPLOY_ACTIONS, stacks)]
            if team.roles.get("cloudformation"):
                found.append(self._team_passrole(team, "cloudformation"))
            return found
        if kind == "deploy-ecs":
            services = f"arn:aws:ecs:{arn_tail}:service/{team.name}-cluster/*"
            found = [_allow(["ecs:UpdateService", "ecs:DescribeServices"], services)]
            if team.roles.get("ecs-tasks"):
                found.append(_allow("ecs:RegisterTaskDefinition", "*"))
                found.append(self._team_passrole(team, "ecs-tasks"))
            return found
        if kind == "glue-jobs":
            jobs = f"arn:aws:glue:{arn_tail}:job/{team.name}-*"
            return [_allow(["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns"], jobs)]
        if kind == "deny-delete":
            buckets = [f"arn:aws:s3:::{bucket}" for bucket in rng.sample(team.buckets, k=2)]
            return [_deny(["s3:DeleteBucket", "s3:DeleteObjectVersion", "s3:PutBucketPolicy"], buckets)]
        if kind == "deny-transport":
            bucket = rng.choice(team.buckets)
            statement = _deny(
                "s3:*",
                [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                Condition={"Bool": {"aws:SecureTransport": "false"}},
            )
            return [statement]
        return []

    def _team_passrole(self, team: _Team, service: str) -> Statement:
        """PassRole of one of the team's harmless roles, sometimes only to the service it is meant for."""
        statement = _allow("iam:PassRole", self.rng.choice(team.roles[service]))
        if self.rng.random() < 0.5:
            statement["Condition"] = {"StringEquals": {"iam:PassedToService": SERVICE_PRINCIPALS[service]}}
        return statement

    def _ordinary_policy_statements(self, team: _Team) -> tuple[list[Statement], bool]:
        statements: list[Statement] = []
        clean = True
        for _ in range(self.rng.randint(1, 4)):
            grant, grant_clean = self._ordinary_statement(team)
            statements.extend(grant)
            clean = clean and grant_clean
        for index, statement in enumerate(statements):
            if self.rng.random() < 0.5:
                statement["Sid"] = f"{team.name.title()}{index + 1}"
        return statements, clean

    def _setup_ordinary_policies(self) -> None:
        purposes = ("access", "read", "write", "service", "pipeline", "app", "data", "runtime")
        while len(self.customer) < self.n_policies:
            team = self.rng.choice(self.teams)
            statements, clean = self._ordinary_policy_statements(team)
            arn = self._policy(f"{team.name}-{self.rng.choice(WORDS)}-{self.rng.choice(purposes)}", statements)
            team.policies.append(arn)
            if clean:
                team.clean.append(arn)

    # ---------------------------------------------------------------- attachments

    def _pick(self, team: _Team, clean: bool) -> str | None:
        roll = self.rng.random()
        if roll < 0.12:
            return self.rng.choice(self.shared_clean if clean else self.shared)
        source = team if roll < 0.9 else self.rng.choice(self.teams)
        pool = source.clean if clean else source.policies
        return self.rng.choice(pool) if pool else None

    def _attach_ordinary(self) -> None:
        aws_for_service = {
            "lambda": "AWSLambdaBasicExecutionRole",
            "ec2": "AmazonSSMManagedInstanceCore",
            "ecs-tasks": "AmazonECSTaskExecutionRolePolicy",
        }  # not AWSGlueServiceRole: its glue:* on * reaches the admin dev endpoint, an escalation nobody planted
        for principal in [*self.roles, *self.users]:
            item, category = principal.item, principal.category
            if category in ("admin", "trap-target"):
                continue
            planted = category == "planted"
            service = category.split(":", 1)[1] if category.startswith("service:") else ""
            if service in aws_for_service and self.rng.random() < 0.6:
                self._attach(item, self._aws_policy(aws_for_service[service]))
            elif category.startswith("vendor"):
                self._attach(item, self._aws_policy(self.rng.choice(("SecurityAudit", "ReadOnlyAccess"))))
            elif category in ("sso", "user") and self.rng.random() < 0.05:
                self._attach(item, self._aws_policy("ReadOnlyAccess"))
            elif category == "ci-runner" and self.rng.random() < 0.5:
                self._attach(item, self._aws_policy("AmazonS3ReadOnlyAccess"))
            wanted = self.rng.randint(1, MAX_ATTACHED)
            if planted:  # room for what was planted; at least one ordinary policy besides
                wanted = self.rng.randint(1, 4)
            tries = 0
            while len(item["AttachedManagedPolicies"]) < MAX_ATTACHED and wanted > 0 and tries < 40:
                tries += 1
                arn = self._pick(principal.team, planted)
                if arn is not None and self._attach(item, arn):
                    wanted -= 1
            if not planted and self.rng.random() < 0.2:
                for number in range(self.rng.randint(1, 2)):
                    statements, _ = self._ordinary_policy_statements(principal.team)
                    self._inline(item, f"inline-{principal.team.name}-{number + 1}", statements)
            if not planted and "PermissionsBoundary" not in item:
                share = 0.05 if principal.kind == "user" else 0.1
                if self.rng.random() < share:
                    boundary = self.boundary_developer
                    if category.startswith("service:"):
                        boundary = self.boundary_service
                    elif category == "ci-deploy":
                        boundary = self.boundary_ci
                    self._bound(item, boundary)
        for name, team in self.group_teams.items():
            wanted, tries = self.rng.randint(1, 5), 0
            while wanted and tries < 20:
                tries += 1
                arn = self._pick(team, clean=True)
                if arn is not None and self._attach(self.groups[name], arn):
                    wanted -= 1
        self._attach(self.mfa_group, self.force_mfa)
        self._attach(self.all_users_group, self.self_manage)
        self._attach(self.readonly_group, self._aws_policy("ReadOnlyAccess"))

    # ---------------------------------------------------------------- the account

    def build(self) -> Account:
        self._setup_teams()
        self._setup_groups()
        self._setup_shared()
        self._setup_admins()
        self._setup_plants()
        self._setup_ordinary_roles()
        self._setup_ordinary_users()
        self._setup_resources()
        self._setup_ordinary_policies()
        self._attach_ordinary()
        for arn, item in [*self.customer.items(), *self.aws.items()]:
            item["AttachmentCount"] = self.attachments[arn]
            item["PermissionsBoundaryUsageCount"] = self.boundary_uses[arn]
        gaad = {
            "UserDetailList": [user.item for user in self.users],
            "GroupDetailList": list(self.groups.values()),
            "RoleDetailList": [role.item for role in self.roles],
            "Policies": [*self.customer.values(), *self.aws.values()],
        }
        return Account(gaad, {"resources": self.resources}, self.planted, self.admins)


def generate(roles: int = 5000, users: int = 2000, policies: int = 10000, seed: int = 7) -> Account:
    """Generate an account, with the record of what was planted in it.

    Args:
        roles: how many roles (administrators and planted ones included).
        users: how many users.
        policies: how many customer managed policies (AWS managed ones come on top).
        seed: the random seed; the same arguments always give the same account.

    Raises:
        ValueError: the counts are too small for the administrators and one principal of each planted kind.
    """
    return _Builder(roles, users, policies, seed).build()


def generate_account(
    roles: int = 5000, users: int = 2000, policies: int = 10000, seed: int = 7
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Generate an account as ``(gaad, resources)``: the GAAD document and the resources file's content.

    See :func:`generate` for the arguments.
    """
    account = generate(roles, users, policies, seed)
    return account.gaad, account.resources


def write_account(account: Account, out_dir: Path) -> None:
    """Write ``gaad.json``, ``resources.json`` and ``planted.json`` (planted principals and admins)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "gaad.json").write_text(json.dumps(account.gaad))
    (out_dir / "resources.json").write_text(json.dumps(account.resources, indent=1))
    planted = {"admins": account.admins, "planted": [asdict(item) for item in account.planted]}
    (out_dir / "planted.json").write_text(json.dumps(planted, indent=1))


def main() -> None:
    """Generate an account into OUT_DIR and print what it holds."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--roles", type=int, default=5000)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--policies", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    account = generate(args.roles, args.users, args.policies, args.seed)
    write_account(account, args.out_dir)
    print(json.dumps(account.summary(), indent=2))


if __name__ == "__main__":
    main()
