"""Terraform applies: the changes the company's pipeline makes now and then, as calls in order."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from cloudward.lab.events.apis import public_read, trust_text
from cloudward.lab.events.context import between
from cloudward.lab.events.records import Call
from cloudward.lab.events.world import AWS_LAMBDA_INSIGHTS_ACCOUNT, BACKUP_VENDOR_ACCOUNT, HOME, OFFICE_CIDR

if TYPE_CHECKING:
    from cloudward.lab.events.benign import Benign


# --- Terraform applies -----------------------------------------------------------------------------

Change = Callable[["Benign", int, str], list[tuple[int, Call]]]


def _chg_role_policy(b: Benign, t: int, region: str) -> list[tuple[int, Call]]:
    world = b.world
    statements = [
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": "arn:aws:s3:::acme-customer-data/incoming/*",
        },
        {
            "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": [s.arn(world.account) for s in world.secrets[:3]],
        },
        {
            "Effect": "Allow",
            "Action": ["ssm:GetParameter", "ssm:GetParameters"],
            "Resource": f"arn:aws:ssm:us-east-1:{world.account}:parameter/acme/prod/*",
        },
    ]
    return [
        (0, b.apis.put_inline_policy("Role", "acme-lambda-exec", "app-access", statements)),
        (2, b.apis.iam_read("GetRolePolicy", roleName="acme-lambda-exec", policyName="app-access")),
    ]


def _chg_attach_managed(b: Benign, t: int, region: str) -> list[tuple[int, Call]]:
    role, policy = b.rng.choice(
        (
            ("acme-ec2-app", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"),
            ("acme-ec2-app", "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"),
            ("acme-lambda-exec", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"),
            ("acme-lambda-exec", "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"),
        )
    )
    return [
        (0, b.apis.attach_policy("Role", role, policy)),
        (2, b.apis.iam_read("ListAttachedRolePolicies", roleName=role)),
    ]


def _chg_policy_version(b: Benign, t: int, region: str) -> list[tuple[int, Call]]:
    arn = f"arn:aws:iam::{b.world.account}:policy/acme-read-reports"
    b._policy_version += 1
    version = b._policy_version
    statements = [
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::acme-customer-data/reports/*"}
    ]
    calls = [(0, b.apis.create_policy_version(t, arn, statements, version))]
    if version > 5:
        calls.append((2, b.apis.delete_policy_version(arn, version - 4)))
    return calls


def _chg_vendor_trust(b: Benign, t: int, region: str) -> list[tuple[int, Call]]:
    trust = trust_text(
        {"AWS": f"arn:aws:iam::{BACKUP_VENDOR_ACCOUNT}:root"}, {"StringEquals": {"sts:ExternalId": "acme-7f3c1d"}}
    )
    return [
        (0, b.apis.update_assume_role_policy("acme-vendor-backup", trust)),
        (2, b.apis.iam_read("GetRole", roleName="acme-vendor-backup")),
    ]


def _chg_tag_role(b: Benign, t: int, region: str) -> list[tuple[int, Call]]:
    role = b.rng.choice([r.name for r in b.world.roles.values() if r.path == "/"])
    return [(0, b.apis.tag_role(role, {"managed-by": "terraform", "repo": "acme/infra"}))]


def _chg_web_ingress(b: Benign, t: int, region: str) -> list[tuple[int, Call]]:
    group = b.world.security_groups["acme-web"].group_id
    return [
        (0, b.apis.authorize_ingress(group, "tcp", 443, "0.0.0.0/0", description="HTTPS from anywhere")),
        (1, b.apis.authorize_ingress(group, "tcp", 443, "::/0")),
        (3, b.apis.security_group_rules(group)),
    ]


def _chg_bastion_ingress(b: Benign, t: int, region: str) -> list[tuple[int, Call]]:
    group = b.world.security_groups["acme-bastion"].group_id
    old = f"203.0.113.{between(b.rng, 20, 250)}/32"
    return [
        (0, b.apis.revoke_ingress(group, 22, old)),
        (1, b.apis.authorize_ingress(group, "tcp", 22, OFFICE_CIDR, description="SSH from the office")),
    ]


def _chg_data_bucket_policy(b: Benign, t: int, region: str) -> list[tuple[int, Call]]:
    bucket = b.world.buckets["acme-customer-data"]
    statements = [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [bucket.arn, f"{bucket.arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
        {
            "Sid": "ReportsReaders",
            "Effect": "Allow",
            "Principal": {"AWS": b.world.role_arn("acme-ec2-app")},
            "Action": "s3:GetObject",
            "Resource": f"{bucket.arn}/reports/*",
        },
    ]
    return [(0, b.apis.put_bucket_policy(bucket, statements))]


def _chg_website_policy(b: Benign, t: int, region: str) -> list[tuple[int, Call]]:
    bucket = b.world.buckets["acme-public-website"]
    return [(0, b.apis.put_bucket_policy(bucket, public_read(bucket)))]


def _chg_log_lifecycle(b: Benign, t: int, region: str) -> list[tuple[int, Call]]:
    bucket = b.world.buckets["acme-access-logs"]
    return [(0, b.apis.put_bucket_lifecycle(bucket, "archive-then-expire", 400, 90))]


def _chg_bucket_hygiene(b: Benign, t: int, region: str) -> list[tuple[int, Call]]:
    bucket = b.rng.choice(
        [x for x in b.world.buckets.values() if x.region == region and x.name != "acme-public-website"]
    )
    return [
        (0, b.apis.put_bucket_tagging(bucket, {"managed-by": "terraform", "data-class": "internal"})),
        (1, b.apis.put_bucket_versioning(bucket, "Enabled")),
        (2, b.apis.put_public_access_block(bucket, blocked=True)),
    ]


def _chg_insights_layer(b: Benign, t: int, region: str) -> list[tuple[int, Call]]:
    fns = [f for f in b.world.functions.values() if f.region == region]
    fn = b.rng.choice(fns)
    layer = f"arn:aws:lambda:{fn.region}:{AWS_LAMBDA_INSIGHTS_ACCOUNT}:layer:LambdaInsightsExtension:53"
    return [(0, b.apis.update_function_configuration(t, fn.name, fn.region, layers=[layer]))]


def _chg_schedule_permission(b: Benign, t: int, region: str) -> list[tuple[int, Call]]:
    rule = f"arn:aws:events:{HOME}:{b.world.account}:rule/acme-nightly"
    return [
        (
            0,
            b.apis.add_permission(
                "acme-nightly-report",
                HOME,
                statement_id=f"nightly-{b.ctx.tokens.hex(6)}",
                principal="events.amazonaws.com",
                source_arn=rule,
            ),
        )
    ]


def _chg_replace_instance(b: Benign, t: int, region: str) -> list[tuple[int, Call]]:
    world = b.world
    old = world.instances["acme-web-2"].instance_id
    run = b.apis.run_instances(
        t,
        world.images["acme-web-golden"],
        b.rng.choice(("t3.small", "t3.medium", "m6i.large")),
        1,
        world.subnets["acme-public-a"],
        HOME,
        name="acme-web-2",
        profile="acme-ec2-app",
        group_id=world.security_groups["acme-web"].group_id,
    )
    return [
        (0, run),
        (40, b.apis.read("ec2", "DescribeInstances")),
        (90, b.apis.instances_state("TerminateInstances", [old], (16, "running"), (32, "shutting-down"))),
    ]


def _chg_termination_protection(b: Benign, t: int, region: str) -> list[tuple[int, Call]]:
    instance = b.rng.choice([i for i in b.world.instances.values() if i.region == region])
    return [(0, b.apis.modify_instance_attribute(instance.instance_id, "disableApiTermination", True))]


def _chg_parameter(b: Benign, t: int, region: str) -> list[tuple[int, Call]]:
    name = b.rng.choice(sorted(b.world.secure_parameters))
    version = b._parameter_versions.get(name, 3) + 1
    b._parameter_versions[name] = version
    return [(0, b.apis.put_parameter(name, version))]


def _chg_db_group(b: Benign, t: int, region: str) -> list[tuple[int, Call]]:
    create, group = b.apis.create_security_group(f"acme-svc-{b.ctx.tokens.hex(4)}", b.world.vpcs[region])
    return [
        (0, create),
        (2, b.apis.authorize_ingress(group, "tcp", 5432, "10.20.0.0/16", description="postgres from the VPC")),
    ]


TERRAFORM_CHANGES: tuple[Change, ...] = (
    _chg_role_policy,
    _chg_attach_managed,
    _chg_policy_version,
    _chg_vendor_trust,
    _chg_tag_role,
    _chg_web_ingress,
    _chg_bastion_ingress,
    _chg_data_bucket_policy,
    _chg_website_policy,
    _chg_log_lifecycle,
    _chg_bucket_hygiene,
    _chg_insights_layer,
    _chg_schedule_permission,
    _chg_replace_instance,
    _chg_termination_protection,
    _chg_parameter,
    _chg_db_group,
)
TERRAFORM_CHANGE_WEIGHTS = (8, 6, 5, 2, 8, 5, 5, 4, 1.2, 1.5, 8, 3, 3, 4, 4, 8, 4)
