"""No bucket is public through its ACL or its bucket policy, after Block Public Access is applied."""

from __future__ import annotations

from typing import Any

from cloudward.checks.aws.s3._policy import (
    Statement,
    deny_covers,
    everyone,
    negated_restrictions,
    restricting_conditions,
    statements,
    wildcard_principals,
)
from cloudward.checks.model import (
    CheckMeta,
    CheckResult,
    Layer,
    Remediation,
    ServiceModel,
    Severity,
    Threat,
)
from cloudward.inventory import Inventory, Resource, UnknownAttributeError

PUBLIC_GROUPS = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
}

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
        'statement whose Principal is "*", {"AWS": "*"} or an AWS principal ARN with a wildcard '
        "account id (also inside a list), or an Allow with NotPrincipal, unless the statement carries a restricting "
        "Condition: a positive operator (StringEquals, StringLike, ArnEquals, ArnLike, IpAddress, "
        "optionally ForAnyValue:, never ...IfExists) on aws:SourceIp, aws:SourceVpc, aws:SourceVpce, "
        "aws:SourceAccount, aws:SourceArn, aws:SourceOwner, aws:SourceOrgID, aws:PrincipalOrgID, "
        "aws:PrincipalAccount, aws:PrincipalArn, aws:userid or s3:DataAccessPoint* with no wildcard value "
        "and no /0 network. A public Allow is also not counted when a Deny statement for everyone, whose "
        "Condition consists only of negated restrictions (StringNotEquals aws:SourceVpce, NotIpAddress "
        "aws:SourceIp, ...), covers all of its actions and resources. Block Public Access: "
        "IgnorePublicAcls=true (bucket or account) neutralizes public ACL grants and "
        "RestrictPublicBuckets=true (bucket or account) neutralizes public policies. BlockPublicAcls and "
        "BlockPublicPolicy only refuse new public grants and never neutralize existing ones. Access points "
        "and object ACLs are not evaluated."
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


def _public_principal(statement: Statement) -> str | None:
    if "NotPrincipal" in statement.body:
        return "everyone except NotPrincipal"
    wildcards = wildcard_principals(statement)
    return ", ".join(wildcards) if wildcards else None


def public_statements(policy: Any) -> tuple[list[str], list[str]]:
    """Public Allow statements of a policy, and those a Deny or a Condition confines (for the reason)."""
    found: list[str] = []
    confined: list[str] = []
    all_statements = statements(policy)
    denies = [
        (deny, negated_restrictions(deny.body.get("Condition")))
        for deny in all_statements
        if deny.effect == "Deny" and everyone(deny) and "NotPrincipal" not in deny.body
    ]
    for statement in all_statements:
        if statement.effect != "Allow":
            continue
        principal = _public_principal(statement)
        if principal is None:
            continue
        described = f"{statement.label} allows {statement.describe_actions()} to Principal {principal}"
        conditions = restricting_conditions(statement.body.get("Condition"))
        if conditions:
            confined.append(f"{described} only under {', '.join(conditions)}")
            continue
        guard = next((d for d, conds in denies if conds and deny_covers(d, statement)), None)
        if guard is not None:
            guard_conditions = ", ".join(negated_restrictions(guard.body.get("Condition")))
            confined.append(f"{described}, but {guard.label} denies it under {guard_conditions}")
            continue
        found.append(described)
    return found, confined


def _account_block(resource: Resource, inventory: Inventory) -> dict[str, Any]:
    accounts = inventory.of_type("AWS::::Account")
    mine = [account for account in accounts if account.account_id == resource.account_id] or accounts
    if not mine:
        raise UnknownAttributeError("AWS::::Account", "not collected (account-level Block Public Access)")
    return dict(mine[0].supplement("S3PublicAccessBlock") or {})


def _neutralized_by(resource: Resource, inventory: Inventory, flag: str) -> str | None:
    """``bucket`` or ``account`` when that level sets the flag, else None (the account is read lazily)."""
    if (resource.supplement("PublicAccessBlockConfiguration") or {}).get(flag):
        return "bucket"
    if _account_block(resource, inventory).get(flag):
        return "account"
    return None


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming every public grant and statement that Block Public Access leaves in force."""
    grants = public_grants(resource.supplement("AccessControlList"))
    policy_public, confined = public_statements(resource.supplement("BucketPolicy"))
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
