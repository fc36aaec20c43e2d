"""The outcomes the other seeders leave out, so every check has a PASS and a FAIL in the lab.

Runs last (module order). Adds one bucket, ``acme-audit-archive`` (Object Lock, private, encrypted), and
otherwise no resources: an inline ``*:*`` policy on the CI user and on the Lambda execution role (two
classic over-grants), a locked-down default security group in ``acme-prod``, and S3 write (not read)
data events on the organization trail.
"""

from __future__ import annotations

import json
from typing import Any

from cloudward.lab.seed import HOME

AUDIT_ARCHIVE = "acme-audit-archive"
FULL_ADMIN = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def seed(lab: Any) -> None:
    """Inline admin grants on ci-deploy and acme-lambda-exec; acme-prod's default group allows nothing."""
    iam = lab.c("iam")
    iam.put_user_policy(UserName="ci-deploy", PolicyName="deploy-everything", PolicyDocument=FULL_ADMIN)
    iam.put_role_policy(RoleName="acme-lambda-exec", PolicyName="lambda-admin", PolicyDocument=FULL_ADMIN)
    ec2 = lab.c("ec2", HOME)
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["acme-prod"]}])["Vpcs"]
    groups = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpcs[0]["VpcId"]]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"]
    default = groups[0]
    if default.get("IpPermissions"):
        ec2.revoke_security_group_ingress(GroupId=default["GroupId"], IpPermissions=default["IpPermissions"])
    if default.get("IpPermissionsEgress"):
        ec2.revoke_security_group_egress(GroupId=default["GroupId"], IpPermissions=default["IpPermissionsEgress"])
    # an audit archive that must stay immutable: created with Object Lock (moto, like S3 before 2023,
    # only allows it on an empty bucket), private and encrypted
    s3 = lab.c("s3", HOME)
    s3.create_bucket(Bucket=AUDIT_ARCHIVE, ObjectLockEnabledForBucket=True)
    lab.count("AWS::S3::Bucket")
    s3.put_public_access_block(
        Bucket=AUDIT_ARCHIVE,
        PublicAccessBlockConfiguration=dict.fromkeys(
            ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
        ),
    )
    s3.put_bucket_encryption(
        Bucket=AUDIT_ARCHIVE,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_object_lock_configuration(
        Bucket=AUDIT_ARCHIVE,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 2555}},
        },
    )
    s3.put_bucket_tagging(Bucket=AUDIT_ARCHIVE, Tagging={"TagSet": [{"Key": "object-lock", "Value": "required"}]})
    # the organization trail records S3 object writes for every bucket, but not reads
    lab.c("cloudtrail", HOME).put_event_selectors(
        TrailName="acme-org-trail",
        EventSelectors=[
            {
                "ReadWriteType": "WriteOnly",
                "IncludeManagementEvents": True,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
            }
        ],
    )
