"""The account and region pseudo-resources: settings that belong to no single resource."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cloudward.inventory import Unknown
from cloudward.providers.aws.spec import Bulk, Call, Context, Item, ResourceSpec, Response, Scope
from cloudward.providers.aws.specs.iam import CREDENTIAL_REPORT
from cloudward.providers.aws.specs.s3 import NO_PUBLIC_ACCESS_BLOCK

ACCOUNT = "AWS::::Account"
REGION = "AWS::::Region"
SUPPORT_ACCESS_POLICY = "AWSSupportAccess"
"""The AWS managed policy that lets a principal manage AWS Support cases."""


def root_arn(item: Item, ctx: Context) -> str:
    """The account root principal's ARN, which is also the account resource's ARN."""
    return f"arn:{ctx.partition}:iam::{ctx.account_id}:root"


def all_pages(operation: str, keys: tuple[str, ...]) -> Callable[[Any, dict[str, Any]], dict[str, Any]]:
    """A ``Call.custom`` reader that pages through a list call and concatenates the lists under ``keys``."""

    def read(client: Any, params: dict[str, Any]) -> dict[str, Any]:
        merged: dict[str, list[Any]] = {key: [] for key in keys}
        for page in client.get_paginator(operation).paginate(**params):
            for key in keys:
                merged[key].extend(page.get(key) or [])
        return merged

    return read


_POLICY_ENTITIES = ("PolicyGroups", "PolicyUsers", "PolicyRoles")


def _support_access_entities(item: Item, ctx: Context) -> dict[str, Any]:
    return {"PolicyArn": f"arn:{ctx.partition}:iam::aws:policy/{SUPPORT_ACCESS_POLICY}"}


def _virtual_mfa_devices(response: Response) -> list[dict[str, Any]]:
    """Assigned virtual MFA devices: serial number, owner ARN and enable date only.

    The response shape also has ``Base32StringSeed`` and ``QRCodePNG`` (the device's TOTP seed, which
    AWS returns only on creation but an emulator may echo): they are never kept.
    """
    return [
        {
            "SerialNumber": device.get("SerialNumber"),
            "UserArn": (device.get("User") or {}).get("Arn"),
            "EnableDate": device.get("EnableDate"),
        }
        for device in response["VirtualMFADevices"]
    ]


def read_attached_aws_managed_policies(client: Any, params: dict[str, Any]) -> dict[str, Any]:
    """The AWS managed policies attached to anything in the account, each with its default version's document.

    GetAccountAuthorizationDetails would return every AWS managed policy (about 1,300); only the attached
    ones matter to the evaluator, so they are listed (``OnlyAttached``) and their default versions read.
    The items have the shape of GetAccountAuthorizationDetails ``Policies`` entries.
    """
    found = []
    for page in client.get_paginator("list_policies").paginate(Scope="AWS", OnlyAttached=True):
        for policy in page.get("Policies") or []:
            version = client.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])
            document = version["PolicyVersion"]["Document"]
            found.append(
                {
                    "Arn": policy["Arn"],
                    "PolicyName": policy["PolicyName"],
                    "DefaultVersionId": policy["DefaultVersionId"],
                    "PolicyVersionList": [
                        {"Document": document, "VersionId": policy["DefaultVersionId"], "IsDefaultVersion": True}
                    ],
                }
            )
    return {"Policies": found}


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
            "SupportAccessEntities": Call(
                "list_entities_for_policy",
                "iam:ListEntitiesForPolicy",
                params=_support_access_entities,
                custom=all_pages("list_entities_for_policy", _POLICY_ENTITIES),
            ),
            "AttachedAWSManagedPolicies": Call(
                "list_policies",
                "iam:ListPolicies",
                custom=read_attached_aws_managed_policies,
                select=lambda r: r["Policies"],
                extra_permissions=("iam:GetPolicyVersion",),
            ),
            "VirtualMFADevices": Call(
                "list_virtual_mfa_devices",
                "iam:ListVirtualMFADevices",
                params=lambda item, ctx: {"AssignmentStatus": "Assigned"},
                custom=all_pages("list_virtual_mfa_devices", ("VirtualMFADevices",)),
                select=_virtual_mfa_devices,
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
