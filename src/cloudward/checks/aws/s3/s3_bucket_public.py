"""No bucket is public through its ACL or its bucket policy, after Block Public Access is applied."""

from __future__ import annotations

from cloudward.checks.aws.s3._public import bucket_public_result
from cloudward.checks.model import (
    CheckMeta,
    CheckResult,
    Layer,
    Remediation,
    ServiceModel,
    Severity,
    Threat,
)
from cloudward.inventory import Inventory, Resource

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


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming every public grant and statement that Block Public Access leaves in force."""
    return bucket_public_result(resource, inventory)
