"""The calls behind a session's steps: console pages and AWS CLI commands (what engineers do by hand), what
their permissions refuse, and which Lambda functions run and what AWS Config reads."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from cloudward.lab.events.context import between
from cloudward.lab.events.identities import Engineer
from cloudward.lab.events.records import Call
from cloudward.lab.events.world import HOME

if TYPE_CHECKING:
    from cloudward.lab.events.benign import Benign


# --- console pages and CLI commands ----------------------------------------------------------------

Page = Callable[["Benign", str], list[Call]]


def _page_ec2(b: Benign, region: str) -> list[Call]:
    a = b.apis
    calls = [
        a.read("ec2", n)
        for n in (
            "DescribeInstances",
            "DescribeInstanceStatus",
            "DescribeAddresses",
            "DescribeTags",
            "DescribeSecurityGroups",
            "DescribeVpcs",
            "DescribeSubnets",
        )
    ]
    if b.rng.random() < 0.5:
        calls += [
            a.read("ec2", n) for n in ("DescribeVolumes", "DescribeSnapshots", "DescribeImages", "DescribeKeyPairs")
        ]
    return calls


def _page_s3(b: Benign, region: str) -> list[Call]:
    a = b.apis
    calls = [a.list_buckets()]
    bucket = b.rng.choice(list(b.world.buckets.values()))
    calls += [
        a.s3_bucket_read(bucket, "GetBucketLocation", "location"),
        a.s3_bucket_read(bucket, "GetBucketPolicyStatus", "policyStatus"),
    ]
    calls.append(a.s3_list_objects(bucket, ""))
    if b.rng.random() < 0.4:
        calls.append(a.s3_object("GetObject", bucket, b._object_key(bucket.name, 0), size=between(b.rng, 500, 90_000)))
    return calls


def _page_iam(b: Benign, region: str) -> list[Call]:
    a = b.apis
    calls = [a.iam_read(n) for n in ("GetAccountSummary", "ListUsers", "ListRoles")]
    if b.rng.random() < 0.5:
        role = b.rng.choice([r.name for r in b.world.roles.values()])
        calls += [
            a.iam_read("GetRole", roleName=role),
            a.iam_read("ListAttachedRolePolicies", roleName=role),
            a.iam_read("ListRolePolicies", roleName=role),
        ]
    return calls


def _page_lambda(b: Benign, region: str) -> list[Call]:
    a = b.apis
    fns = [f.name for f in b.world.functions.values() if f.region == region] or ["acme-internal-api"]
    fn = b.rng.choice(fns)
    return [
        a.read("lambda", "ListFunctions20150331"),
        a.read("lambda", "GetAccountSettings20160819"),
        a.lambda_read("GetFunction20150331v2", fn),
        a.lambda_read("ListEventSourceMappings20150331", fn),
        a.lambda_read("GetFunctionUrlConfig20211031", fn),
    ]


def _page_logs(b: Benign, region: str) -> list[Call]:
    a = b.apis
    group = b.rng.choice(b.world.log_groups)
    calls = [
        a.read("logs", "DescribeLogGroups"),
        a.read("logs", "DescribeLogStreams", {"logGroupName": group, "orderBy": "LastEventTime", "descending": True}),
    ]
    calls += [
        a.read("logs", "FilterLogEvents", {"logGroupName": group, "interleaved": True})
        for _ in range(between(b.rng, 1, 6))
    ]
    return calls


def _page_cloudwatch(b: Benign, region: str) -> list[Call]:
    a = b.apis
    return [a.read("monitoring", "DescribeAlarms")] + [
        a.read("monitoring", "GetMetricData", {"scanBy": "TimestampDescending", "maxDatapoints": 1440})
        for _ in range(between(b.rng, 2, 8))
    ]


def _page_cloudtrail(b: Benign, region: str) -> list[Call]:
    a = b.apis
    return [a.read("cloudtrail", name) for name in ("DescribeTrails", "LookupEvents", "LookupEvents")]


def _page_rds(b: Benign, region: str) -> list[Call]:
    a = b.apis
    return [
        a.read("rds", "DescribeDBInstances"),
        a.read("rds", "DescribeDBClusters"),
        a.read("rds", "DescribeDBSnapshots"),
        a.read("rds", "DescribeEvents", {"duration": 1440}),
    ]


def _page_secrets(b: Benign, region: str) -> list[Call]:
    a = b.apis
    secret = b.rng.choice(b.world.secrets_in(region) or b.world.secrets)
    return [
        a.read("secretsmanager", "ListSecrets"),
        a.read("secretsmanager", "DescribeSecret", {"secretId": secret.arn(b.world.account)}),
    ]


CONSOLE_PAGES: tuple[Page, ...] = (
    _page_ec2,
    _page_s3,
    _page_iam,
    _page_lambda,
    _page_logs,
    _page_cloudwatch,
    _page_cloudtrail,
    _page_rds,
    _page_secrets,
)
CONSOLE_PAGE_WEIGHTS = (0.22, 0.16, 0.08, 0.14, 0.16, 0.1, 0.05, 0.05, 0.04)

Command = Callable[["Benign", str, Engineer], list[Call]]


def _cmd_identity(b: Benign, region: str, e: Engineer) -> list[Call]:
    return [b.apis.read("sts", "GetCallerIdentity")]


def _cmd_s3_ls(b: Benign, region: str, e: Engineer) -> list[Call]:
    bucket = b.rng.choice([x for x in b.world.buckets.values() if x.name != "acme-terraform-state"])
    return [b.apis.list_buckets(region)] if b.rng.random() < 0.5 else [b.apis.s3_list_objects(bucket, "")]


def _cmd_s3_cp(b: Benign, region: str, e: Engineer) -> list[Call]:
    bucket = b.rng.choice(
        (b.world.buckets["acme-customer-data"], b.world.buckets["acme-artifacts"], b.world.buckets["acme-eu-archive"])
    )
    key = b._object_key(bucket.name, 0)
    if b.rng.random() < 0.75:
        return [
            b.apis.s3_object("HeadObject", bucket, key),
            b.apis.s3_object("GetObject", bucket, key, size=between(b.rng, 500, 3_000_000)),
        ]
    return [
        b.apis.s3_object(
            "PutObject", bucket, f"scratch/{e.name}/{b.ctx.tokens.hex(6)}.csv", size=between(b.rng, 500, 900_000)
        )
    ]


def _cmd_ec2(b: Benign, region: str, e: Engineer) -> list[Call]:
    return [
        b.apis.read(
            "ec2",
            b.rng.choice(
                (
                    "DescribeInstances",
                    "DescribeSecurityGroups",
                    "DescribeInstances",
                    "DescribeVolumes",
                    "DescribeSubnets",
                )
            ),
        )
    ]


def _cmd_logs_tail(b: Benign, region: str, e: Engineer) -> list[Call]:
    group = b.rng.choice(b.world.log_groups)
    return [b.apis.read("logs", "DescribeLogGroups")] + [
        b.apis.read("logs", "FilterLogEvents", {"logGroupName": group, "interleaved": True})
        for _ in range(between(b.rng, 2, 10))
    ]


def _cmd_lambda(b: Benign, region: str, e: Engineer) -> list[Call]:
    fns = [f.name for f in b.world.functions.values() if f.region == region] or ["acme-internal-api"]
    return [
        b.apis.lambda_read(
            b.rng.choice(("GetFunction20150331v2", "GetFunctionConfiguration20150331v2")), b.rng.choice(fns)
        )
    ]


def _cmd_parameter(b: Benign, region: str, e: Engineer) -> list[Call]:
    return [b.apis.get_parameter(b.rng.choice(b.world.parameters), decrypt=b.rng.random() < 0.6)]


def _cmd_secret(b: Benign, region: str, e: Engineer) -> list[Call]:
    secret = b.rng.choice(b.world.secrets_in(region)[:6] or b.world.secrets[:6])
    return [b.apis.get_secret_value(secret.name)]


def _cmd_ecr_login(b: Benign, region: str, e: Engineer) -> list[Call]:
    return [b.apis.read("ecr", "GetAuthorizationToken")]


def _cmd_rds(b: Benign, region: str, e: Engineer) -> list[Call]:
    return [b.apis.read("rds", "DescribeDBInstances")]


def _cmd_iam(b: Benign, region: str, e: Engineer) -> list[Call]:
    role = b.rng.choice([r.name for r in b.world.roles.values() if r.path == "/"])
    return [b.apis.iam_read("GetRole", roleName=role)]


def _cmd_cloudformation(b: Benign, region: str, e: Engineer) -> list[Call]:
    return [b.apis.read("cloudformation", "DescribeStacks")]


def _cmd_assume_support(b: Benign, region: str, e: Engineer) -> list[Call]:
    if e.sso:
        return [b.apis.read("sts", "GetCallerIdentity")]
    serial = f"arn:aws:iam::{b.world.account}:mfa/{e.name}-phone"
    return [b.apis.assume_role(0, b.world.role_arn("acme-support"), f"{e.name}-support", serial=serial)]


CLI_COMMANDS: tuple[Command, ...] = (
    _cmd_identity,
    _cmd_s3_ls,
    _cmd_s3_cp,
    _cmd_ec2,
    _cmd_logs_tail,
    _cmd_lambda,
    _cmd_parameter,
    _cmd_secret,
    _cmd_ecr_login,
    _cmd_rds,
    _cmd_iam,
    _cmd_cloudformation,
    _cmd_assume_support,
)
CLI_WEIGHTS = (0.16, 0.12, 0.14, 0.14, 0.1, 0.07, 0.06, 0.02, 0.05, 0.04, 0.05, 0.03, 0.02)


def cli_denied(engineer: Engineer, call: Call) -> bool:
    """What their permissions refuse: power users get no IAM, read-only users no secrets or writes."""
    key = call.service.key
    if engineer.permission_set == "PowerUserAccess" and key == "iam":
        return True
    if engineer.permission_set == "ReadOnlyAccess" and (key == "secretsmanager" or not call.read_only):
        return True
    return engineer.name == "bob" and key in {"iam", "rds"}


LAMBDA_FUNCTIONS = ("acme-public-webhook", "acme-internal-api", "acme-eu-thumbnailer", "acme-partner-sync")
LAMBDA_WEIGHTS = (0.36, 0.3, 0.26, 0.08)
LAMBDA_CUMULATIVE = tuple(sum(LAMBDA_WEIGHTS[: i + 1]) for i in range(len(LAMBDA_WEIGHTS) - 1))

ConfigRead = Callable[["Benign", str], list[Call]]
CONFIG_READS: tuple[ConfigRead, ...] = (
    lambda b, r: [b.apis.read("ec2", "DescribeInstances"), b.apis.read("ec2", "DescribeNetworkInterfaces")],
    lambda b, r: [
        b.apis.read("ec2", "DescribeSecurityGroups"),
        b.apis.read("ec2", "DescribeVpcs"),
        b.apis.read("ec2", "DescribeSubnets"),
    ],
    lambda b, r: [b.apis.read("ec2", "DescribeVolumes")],
    lambda b, r: [
        b.apis.iam_read("GetRole", roleName=b.rng.choice([x.name for x in b.world.roles.values() if x.path == "/"])),
        b.apis.iam_read("ListAttachedRolePolicies", roleName="acme-ec2-app"),
    ],
    lambda b, r: [
        b.apis.s3_bucket_read(b.world.buckets["acme-customer-data"], n, s)
        for n, s in (("GetBucketAcl", "acl"), ("GetBucketPolicy", "policy"), ("GetBucketVersioning", "versioning"))
    ],
    lambda b, r: [
        b.apis.lambda_read(
            "GetFunction20150331v2", b.rng.choice([f.name for f in b.world.functions.values() if f.region == HOME])
        )
    ],
    lambda b, r: [b.apis.read("rds", "DescribeDBInstances"), b.apis.read("rds", "DescribeDBSnapshots")],
)
