"""IAM: users, roles, groups and customer-managed policies from one authorization-details listing.

Also the server certificates IAM stores for load balancers and CloudFront (ListServerCertificates).
"""

from __future__ import annotations

import csv
import io
import time
from typing import Any

from cloudward.inventory import Unknown
from cloudward.providers.aws.spec import Bulk, Call, Listing, ResourceSpec, Scope, tag_list

_AUTHORIZATION_DETAILS = {"Filter": ["User", "Role", "Group", "LocalManagedPolicy"]}


def _authorization_details(result_key: str) -> Listing:
    return Listing(
        "get_account_authorization_details",
        "iam:GetAccountAuthorizationDetails",
        items=lambda page: page.get(result_key) or [],
        params=_AUTHORIZATION_DETAILS,
    )


def read_credential_report(client: Any, params: dict[str, Any], timeout_seconds: float = 60.0) -> dict[str, Any]:
    """Generate the IAM credential report, wait for it, and return its rows keyed by principal ARN."""
    deadline = time.monotonic() + timeout_seconds
    delay = 0.2
    while client.generate_credential_report()["State"] != "COMPLETE":
        if time.monotonic() > deadline:
            raise TimeoutError("the IAM credential report was not ready in time")
        time.sleep(delay)
        delay = min(delay * 2, 2.0)
    report = client.get_credential_report()
    generated = report.get("GeneratedTime")  # AWS serves a cached report up to four hours old
    rows = csv.DictReader(io.StringIO(report["Content"].decode("utf-8")))
    stamp = {"report_generated_time": generated.isoformat() if generated else "unknown"}
    return {"Rows": {row["arn"]: {**row, **stamp} for row in rows}}


CREDENTIAL_REPORT = Call(
    "get_credential_report",
    "iam:GetCredentialReport",
    custom=read_credential_report,
    select=lambda r: r["Rows"],
    extra_permissions=("iam:GenerateCredentialReport",),
)

SPECS = (
    ResourceSpec(
        type="AWS::IAM::User",
        service="iam",
        scope=Scope.GLOBAL,
        listing=_authorization_details("UserDetailList"),
        arn=lambda item, ctx: str(item["Arn"]),
        name=lambda item: str(item["UserName"]),
        tags=tag_list,
        supplements={
            "CredentialReport": Bulk(
                CREDENTIAL_REPORT,
                key=lambda item, ctx: str(item["Arn"]),
                missing=Unknown("the user has no row in the credential report (created after it was generated?)"),
            ),
            "AccessKeys": Call(
                "list_access_keys",
                "iam:ListAccessKeys",
                params=lambda item, ctx: {"UserName": item["UserName"]},
                select=lambda r: r["AccessKeyMetadata"],
            ),
            "MFADevices": Call(
                "list_mfa_devices",
                "iam:ListMFADevices",
                params=lambda item, ctx: {"UserName": item["UserName"]},
                select=lambda r: r["MFADevices"],
            ),
            "LoginProfile": Call(
                "get_login_profile",
                "iam:GetLoginProfile",
                params=lambda item, ctx: {"UserName": item["UserName"]},
                select=lambda r: r["LoginProfile"],
                not_configured={"NoSuchEntity": None},
            ),
        },
    ),
    ResourceSpec(
        type="AWS::IAM::Role",
        service="iam",
        scope=Scope.GLOBAL,
        listing=_authorization_details("RoleDetailList"),
        arn=lambda item, ctx: str(item["Arn"]),
        name=lambda item: str(item["RoleName"]),
        tags=tag_list,
    ),
    ResourceSpec(
        type="AWS::IAM::Group",
        service="iam",
        scope=Scope.GLOBAL,
        listing=_authorization_details("GroupDetailList"),
        arn=lambda item, ctx: str(item["Arn"]),
        name=lambda item: str(item["GroupName"]),
    ),
    ResourceSpec(
        type="AWS::IAM::Policy",
        service="iam",
        scope=Scope.GLOBAL,
        listing=_authorization_details("Policies"),
        arn=lambda item, ctx: str(item["Arn"]),
        # moto omits PolicyName from authorization details; the ARN always ends with it
        name=lambda item: str(item.get("PolicyName") or str(item["Arn"]).rsplit("/", 1)[-1]),
    ),
    ResourceSpec(
        type="AWS::IAM::ServerCertificate",
        service="iam",
        scope=Scope.GLOBAL,
        listing=Listing(
            "list_server_certificates",
            "iam:ListServerCertificates",
            items=lambda page: page.get("ServerCertificateMetadataList") or [],
        ),
        arn=lambda item, ctx: str(item["Arn"]),
        name=lambda item: str(item["ServerCertificateName"]),
    ),
)
