"""Every bucket policy denies requests that do not use TLS (aws:SecureTransport=false)."""

from __future__ import annotations

from typing import Any

from cloudward.checks.model import (
    CheckMeta,
    CheckResult,
    Layer,
    Remediation,
    ServiceModel,
    Severity,
    Threat,
)
from cloudward.iam.statements import (
    Statement,
    applies_to_everyone,
    as_list,
    clauses,
    covers_action,
    covers_resource,
    describe_actions,
    statement_label,
    statements,
)
from cloudward.inventory import Inventory, Resource

SECURE_TRANSPORT = "aws:securetransport"
BOOL_OPERATORS = ("bool", "boolifexists")  # compared lower-case
OBJECT_ACTIONS = ("s3:GetObject", "s3:PutObject")

meta = CheckMeta(
    id="s3_bucket_secure_transport",
    title="S3 bucket policy denies requests without TLS",
    service="s3",
    resource_type="AWS::S3::Bucket",
    severity=Severity.MEDIUM,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Passes when the bucket policy has a Deny statement that applies to every plain-HTTP object "
        'request: Principal "*" (also ["*"], {"AWS": "*"} or "*" inside a list; never NotPrincipal, and a '
        "wildcard-account ARN such as arn:aws:iam::*:root does not cover anonymous requests); a "
        'Condition of Bool or BoolIfExists (operator names case-insensitive) with aws:SecureTransport "false" '
        "and no other condition clause (any further clause narrows the Deny); Action (or NotAction) covering "
        'both s3:GetObject and s3:PutObject, e.g. "s3:*" or "*"; Resource (or NotResource) covering every '
        'object, e.g. "arn:aws:s3:::BUCKET/*". An Allow conditioned on aws:SecureTransport=true does not '
        "count, since another Allow can still grant plain HTTP; neither does an s3:TlsVersion condition. A "
        "bucket without a policy fails. A policy without a Statement, or whose statements, principals, "
        "actions, resources or conditions have an unexpected shape, is ERROR, never read as empty. Prowler "
        "also accepts a Deny on s3:PutObject alone; this check requires reads to be covered as well."
    ),
    risk=(
        "Requests over plain HTTP expose object data and request signatures to anyone on the network "
        "path, who can read the data or replay and alter requests."
    ),
    remediation=Remediation(
        summary="Add a bucket policy statement that denies s3:* when aws:SecureTransport is false.",
        console=(
            "Open the S3 console and choose the bucket, then the Permissions tab.",
            'Bucket policy > Edit, and add a Deny statement for Principal "*", Action "s3:*", '
            'Resource the bucket ARN and BUCKET_ARN/*, Condition Bool aws:SecureTransport "false".',
        ),
        cli=(
            'aws s3api put-bucket-policy --bucket BUCKET --policy \'{"Version":"2012-10-17",'
            '"Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*",'
            '"Action":"s3:*","Resource":["arn:aws:s3:::BUCKET","arn:aws:s3:::BUCKET/*"],'
            '"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}\'  '
            "# merge with the existing policy first"
        ),
        terraform=(
            'data "aws_iam_policy_document" "tls_only" {\n'
            "  statement {\n"
            '    sid       = "DenyInsecureTransport"\n'
            '    effect    = "Deny"\n'
            '    actions   = ["s3:*"]\n'
            '    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]\n'
            "    principals {\n"
            '      type        = "*"\n'
            '      identifiers = ["*"]\n'
            "    }\n"
            "    condition {\n"
            '      test     = "Bool"\n'
            '      variable = "aws:SecureTransport"\n'
            '      values   = ["false"]\n'
            "    }\n"
            "  }\n"
            "}\n"
            'resource "aws_s3_bucket_policy" "this" {\n'
            "  bucket = aws_s3_bucket.this.id\n"
            "  policy = data.aws_iam_policy_document.tls_only.json\n"
            "}"
        ),
    ),
    references=(
        "https://repost.aws/knowledge-center/s3-bucket-policy-for-config-rule",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=("BucketPolicy",),
)


def _is_false(value: Any) -> bool:
    items = as_list(value)
    return bool(items) and all(str(item).strip().lower() == "false" for item in items)


def _conditions(statement: Statement) -> tuple[bool, list[str]]:
    """Whether the Condition denies on aws:SecureTransport=false, and the other clauses it carries."""
    insecure = False
    others: list[str] = []
    for clause in clauses(statement.get("Condition")):
        operator = clause.operator.strip().lower()
        if operator in BOOL_OPERATORS and clause.key.lower() == SECURE_TRANSPORT and _is_false(clause.values):
            insecure = True
        else:
            others.append(clause.describe())
    return insecure, others


def _shortfalls(statement: Statement, objects_arn: str) -> list[str]:
    """Why a Deny on aws:SecureTransport=false does not cover every plain-HTTP object request."""
    issues: list[str] = []
    if not applies_to_everyone(statement):
        issues.append('Principal is not "*"')
    uncovered = [action for action in OBJECT_ACTIONS if not covers_action(statement, action)]
    issues.extend(f"does not cover {action}" for action in uncovered)
    if not covers_resource(statement, objects_arn):
        issues.append(f"Resource does not cover {objects_arn}")
    _, others = _conditions(statement)
    if others:
        issues.append(f"further condition {', '.join(others)} narrows it")
    return issues


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the Deny statement; FAIL naming why each candidate statement falls short."""
    policy = resource.supplement("BucketPolicy")
    if policy is None:
        return CheckResult.failed("no bucket policy, so requests over plain HTTP are not denied")
    partition = resource.arn.split(":")[1] if resource.arn.startswith("arn:") else "aws"
    objects_arn = f"arn:{partition}:s3:::{resource.name}/*"
    near_misses: list[str] = []
    for index, statement in enumerate(statements(policy, "BucketPolicy")):
        if statement["Effect"] != "Deny" or not _conditions(statement)[0]:
            continue
        label = statement_label(statement, index)
        issues = _shortfalls(statement, objects_arn)
        if not issues:
            return CheckResult.passed(f"{label} denies {describe_actions(statement)} when aws:SecureTransport=false")
        near_misses.append(f"{label} ({'; '.join(issues)})")
    if near_misses:
        return CheckResult.failed(
            "the Deny on aws:SecureTransport=false does not apply to every object request: " + ", ".join(near_misses)
        )
    return CheckResult.failed("the bucket policy has no Deny statement on Bool aws:SecureTransport=false")
