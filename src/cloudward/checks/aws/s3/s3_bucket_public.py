"""No bucket is public through its ACL or its bucket policy, after Block Public Access is applied."""

from __future__ import annotations

from typing import Any

from cloudward.checks.aws.s3._block import account_public_access_block
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
    covers_statement,
    describe_actions,
    negated_pins,
    pinned,
    pinned_network,
    public_principal,
    statement_label,
    statements,
)
from cloudward.inventory import Inventory, Resource

PUBLIC_GROUPS = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
}
# Condition keys whose fixed value ties a request to an organization, an account or a caller.
PINNING_KEYS = (
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOwner",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:userid",
    "s3:DataAccessPointAccount",
    "s3:DataAccessPointArn",
)
# What a Deny for everyone may negate to confine a public Allow: the keys above and the network keys.
GUARD_KEYS = (*PINNING_KEYS, "aws:SourceIp", "aws:SourceVpc", "aws:SourceVpce")

meta = CheckMeta(
    id="s3_bucket_public",
    title="S3 bucket is not public through its ACL or bucket policy",
    service="s3",
    resource_type="AWS::S3::Bucket",
    severity=Severity.CRITICAL,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Fails when the bucket is public and Block Public Access does not neutralize it. "
        "Public through the ACL: a grant of any permission to the AllUsers or AuthenticatedUsers group "
        "(AuthenticatedUsers means any AWS account, not only yours). Public through the policy: an Allow "
        'statement whose Principal is "*" (also ["*"], or "*" under any principal type), {"AWS": "*"} or '
        "an AWS principal ARN with a wildcard account id such as arn:aws:iam::*:root (also inside a list), "
        "or an Allow with NotPrincipal, unless the statement carries a restricting Condition. One strict "
        "rule decides: StringEquals, StringEqualsIgnoreCase, StringLike, ArnEquals or ArnLike (operator "
        "names case-insensitive, optionally ForAnyValue:, never ForAllValues: or ...IfExists) on "
        "aws:SourceAccount, aws:SourceArn, aws:SourceOwner, aws:SourceOrgID, aws:SourceOrgPaths, "
        "aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:userid, "
        "s3:DataAccessPointAccount or s3:DataAccessPointArn with every value concrete (no * or ? anywhere, "
        'no policy variable, none empty, so "arn:aws:iam::*:*", "arn:*" or an org path ending in /* do not '
        "restrict); IpAddress aws:SourceIp with every network /8 or narrower (IPv6: /32 or narrower, so "
        "0.0.0.0/1 plus 128.0.0.0/1 does not restrict); or StringEquals aws:SourceVpc / aws:SourceVpce with "
        "concrete values. A public Allow is also not counted when a Deny statement for everyone, whose "
        "Condition consists only of negated restrictions (StringNotEquals, StringNotLike, ArnNotEquals... "
        "optionally ...IfExists, with concrete values on the keys above, aws:SourceVpc or aws:SourceVpce, or "
        "NotIpAddress aws:SourceIp with networks /8 or narrower), covers all of its actions and resources. "
        "Block Public Access: IgnorePublicAcls=true (bucket or account) neutralizes public ACL grants and "
        "RestrictPublicBuckets=true (bucket or account) neutralizes public policies. BlockPublicAcls and "
        "BlockPublicPolicy only refuse new public grants and never neutralize existing ones. The account "
        "level is read from the AWS::::Account of the bucket's own account; when it was not collected the "
        "result is ERROR. A bucket policy without a Statement, or whose statements, principals, actions or "
        "conditions have an unexpected shape, is ERROR, never read as empty. Access points and object ACLs "
        "are not evaluated."
    ),
    risk=(
        "Anyone on the internet (or any AWS customer, for AuthenticatedUsers) can list, read or, with "
        "write grants, overwrite and delete the bucket's objects; automated scanners find such buckets "
        "within hours, and leaked backups, logs and customer data are the usual outcome."
    ),
    remediation=Remediation(
        summary=(
            "Remove the public ACL grants and public policy statements, or turn on IgnorePublicAcls and "
            "RestrictPublicBuckets (ideally all four Block Public Access flags) for the bucket or account."
        ),
        console=(
            "Open the S3 console and choose the bucket, then the Permissions tab.",
            "Block public access (bucket settings) > Edit > select 'Block all public access' > Save.",
            "Under Access control list (ACL), remove grants to 'Everyone' and 'Authenticated users group'.",
            'Under Bucket policy, remove or restrict statements with Principal "*".',
        ),
        cli=(
            "aws s3api put-public-access-block --bucket BUCKET --public-access-block-configuration "
            "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true\n"
            "aws s3api put-bucket-acl --bucket BUCKET --acl private"
        ),
        terraform=(
            'resource "aws_s3_bucket_public_access_block" "this" {\n'
            "  bucket                  = aws_s3_bucket.this.id\n"
            "  block_public_acls       = true\n"
            "  ignore_public_acls      = true\n"
            "  block_public_policy     = true\n"
            "  restrict_public_buckets = true\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html",
    ),
    requires=(
        "AccessControlList",
        "BucketPolicy",
        "PublicAccessBlockConfiguration",
        "AWS::::Account.S3PublicAccessBlock",
    ),
)


def public_grants(acl: Any) -> list[str]:
    """ACL grants to the public groups, as ``READ to AllUsers``."""
    found: list[str] = []
    for grant in (acl or {}).get("Grants") or []:
        grantee = grant.get("Grantee") or {}
        group = PUBLIC_GROUPS.get(str(grantee.get("URI", "")).replace("https://", "http://").rstrip("/"))
        if group:
            found.append(f"{grant.get('Permission', '?')} to {group}")
    return found


def _restricting(statement: Statement) -> list[str]:
    """The statement's conditions that confine it to a network, organization, account or caller."""
    condition = statement.get("Condition")
    return pinned(condition, PINNING_KEYS) + pinned_network(condition)


def public_statements(policy: Any) -> tuple[list[str], list[str]]:
    """Public Allow statements of a policy, and those a Deny or a Condition confines (for the reason).

    Raises:
        UnknownAttributeError: the policy, or an element read here, has an unexpected shape.
    """
    found: list[str] = []
    confined: list[str] = []
    labelled = [(statement_label(item, index), item) for index, item in enumerate(statements(policy, "BucketPolicy"))]
    guards = [
        (label, deny, negated_pins(deny.get("Condition"), GUARD_KEYS))
        for label, deny in labelled
        if deny["Effect"] == "Deny" and applies_to_everyone(deny)
    ]
    for label, statement in labelled:
        principal = public_principal(statement)
        if principal is None:
            continue
        described = f"{label} allows {describe_actions(statement)} to {principal}"
        conditions = _restricting(statement)
        if conditions:
            confined.append(f"{described} only under {', '.join(conditions)}")
            continue
        guard = next((g for g in guards if g[2] and covers_statement(g[1], statement)), None)
        if guard is not None:
            confined.append(f"{described}, but {guard[0]} denies it under {', '.join(guard[2])}")
            continue
        found.append(described)
    return found, confined


def _neutralized_by(resource: Resource, inventory: Inventory, flag: str) -> str | None:
    """``bucket`` or ``account`` when that level sets the flag, else None (the account is read lazily)."""
    if (resource.supplement("PublicAccessBlockConfiguration") or {}).get(flag):
        return "bucket"
    if account_public_access_block(resource, inventory).get(flag):
        return "account"
    return None


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming every public grant and statement that Block Public Access leaves in force."""
    grants = public_grants(resource.supplement("AccessControlList"))
    policy = resource.supplement("BucketPolicy")
    policy_public, confined = public_statements(policy) if policy is not None else ([], [])
    exposed: list[str] = []
    neutralized: list[str] = []
    for kind, items, flag in (
        ("public ACL grant", grants, "IgnorePublicAcls"),
        ("public policy", policy_public, "RestrictPublicBuckets"),
    ):
        if not items:
            continue
        level = _neutralized_by(resource, inventory, flag)
        listed = "; ".join(items)
        if level:
            neutralized.append(f"{kind} ({listed}) neutralized by {flag}=true at {level} level")
        else:
            exposed.append(f"{kind}: {listed} ({flag}=false at bucket and account level)")
    if exposed:
        return CheckResult.failed("; ".join(exposed))
    notes = neutralized + [f"not public: {item}" for item in confined]
    if notes:
        return CheckResult.passed("; ".join(notes))
    return CheckResult.passed("no public ACL grant and no public bucket policy statement")
