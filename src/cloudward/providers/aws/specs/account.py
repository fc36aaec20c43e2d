"""The account and region pseudo-resources: settings that belong to no single resource."""

from __future__ import annotations

from cloudward.inventory import Unknown
from cloudward.providers.aws.spec import Bulk, Call, Context, Item, ResourceSpec, Scope
from cloudward.providers.aws.specs.iam import CREDENTIAL_REPORT
from cloudward.providers.aws.specs.s3 import NO_PUBLIC_ACCESS_BLOCK

ACCOUNT = "AWS::::Account"
REGION = "AWS::::Region"


def root_arn(item: Item, ctx: Context) -> str:
    """The account root principal's ARN, which is also the account resource's ARN."""
    return f"arn:{ctx.partition}:iam::{ctx.account_id}:root"


SPECS = (
    ResourceSpec(
        type=ACCOUNT,
        service="iam",
        scope=Scope.GLOBAL,
        listing=None,
        arn=root_arn,
        name=lambda item: str(item["AccountId"]),
        supplements={
            "AccountSummary": Call("get_account_summary", "iam:GetAccountSummary", select=lambda r: r["SummaryMap"]),
            "PasswordPolicy": Call(
                "get_account_password_policy",
                "iam:GetAccountPasswordPolicy",
                select=lambda r: r["PasswordPolicy"],
                not_configured={"NoSuchEntity": None},
            ),
            "CredentialReport": Bulk(
                CREDENTIAL_REPORT,
                key=root_arn,
                missing=Unknown("the credential report has no <root_account> row"),
            ),
            "S3PublicAccessBlock": Call(
                "get_public_access_block",
                "s3:GetAccountPublicAccessBlock",
                service="s3control",
                params=lambda item, ctx: {"AccountId": ctx.account_id},
                select=lambda r: r["PublicAccessBlockConfiguration"],
                not_configured={"NoSuchPublicAccessBlockConfiguration": NO_PUBLIC_ACCESS_BLOCK},
            ),
        },
    ),
    ResourceSpec(
        type=REGION,
        service="ec2",
        scope=Scope.REGIONAL,
        listing=None,
        arn=lambda item, ctx: f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account_id}:region/{ctx.region}",
        name=lambda item: str(item["RegionName"]),
        supplements={
            "EbsEncryptionByDefault": Call(
                "get_ebs_encryption_by_default",
                "ec2:GetEbsEncryptionByDefault",
                select=lambda r: r["EbsEncryptionByDefault"],
            ),
            "ConfigurationRecorders": Call(
                "describe_configuration_recorders",
                "config:DescribeConfigurationRecorders",
                service="config",
                select=lambda r: r["ConfigurationRecorders"],
            ),
            "ConfigurationRecorderStatus": Call(
                "describe_configuration_recorder_status",
                "config:DescribeConfigurationRecorderStatus",
                service="config",
                select=lambda r: r["ConfigurationRecordersStatus"],
            ),
        },
    ),
)
