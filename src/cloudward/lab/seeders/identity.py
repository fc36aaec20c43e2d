"""More identity and data weaknesses for the lab: credentials, support access, certificates, trail buckets, Lambda.

What it adds to the acme account (the collector tests and ``make demo`` rely on it):

- IAM users ``erin`` (in ``developers``, two active access keys) and ``frank`` (an inline policy, one
  active and one inactive key). Together with the core users: ``ci-deploy``'s 200-day-old unused key
  fails the 45-day unused-credentials check; ``carol`` (AdministratorAccess attached) and ``frank`` fail
  "permissions only through groups".
- The role ``acme-support`` (assumable by the account with MFA) with the AWS managed policy
  AWSSupportAccess, so the account has a support role.
- The IAM server certificate ``acme-legacy-tls``: a self-signed certificate that expired 30 days before
  seeding. The emulator reports every server certificate with the fixed Expiration 2012-05-08, so a valid
  certificate cannot be shown and none is seeded.
- The bucket ``acme-legacy-trail-logs`` (us-east-1): public-read ACL, no Block Public Access, server
  access logging to ``acme-access-logs``; the single-region trail ``acme-legacy-trail`` (not logging,
  no validation) delivers to it. With the core trails, whose buckets are private but not logged, the
  trail-bucket checks get both outcomes.
- Lambda ``acme-legacy-etl`` (python3.8, deprecated) and ``acme-partner-sync`` (python3.12) whose
  environment holds an AWS access key id. The key id is made up at seeding time ("AKIA" and 16
  characters spelling a lab marker): it is not, and never was, a real key.

Not emulated, so only one outcome shows in the lab: MFA Delete (the emulator ignores MFADelete, every
bucket fails), root hardware MFA and root use (the root user has no MFA; the credential report has no
root row, which is an ERROR), and the password-policy checks (one account, one weak policy).
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from cloudward.lab.seed import HOME
from cloudward.lab.server import LAB_ACCOUNT_ID

SUPPORT_ACCESS = "arn:aws:iam::aws:policy/AWSSupportAccess"
LEGACY_TRAIL_BUCKET = "acme-legacy-trail-logs"
ACCESS_LOG_BUCKET = "acme-access-logs"
EXPIRED_CERTIFICATE = "acme-legacy-tls"
# Spelled out at run time so no literal key-shaped string sits in the source: "AKIA" + 16 characters.
FAKE_ACCESS_KEY_ID = "AKIA" + "LAB" + "FAKE" + "NOT" + "AREAL" + "2"


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _users(lab: Any) -> None:
    iam = lab.c("iam")
    for name in ("erin", "frank"):
        iam.create_user(UserName=name, Tags=[{"Key": "team", "Value": "data"}])
        lab.count("AWS::IAM::User")
    iam.add_user_to_group(GroupName="developers", UserName="erin")
    for _ in range(2):
        iam.create_access_key(UserName="erin")
    old = iam.create_access_key(UserName="frank")["AccessKey"]["AccessKeyId"]
    iam.update_access_key(UserName="frank", AccessKeyId=old, Status="Inactive")
    iam.create_access_key(UserName="frank")
    iam.put_user_policy(
        UserName="frank",
        PolicyName="frank-reports-upload",
        PolicyDocument=_policy(
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::acme-customer-data/reports/*"}
        ),
    )


def _support_role(lab: Any) -> None:
    iam = lab.c("iam")
    trust = _policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{LAB_ACCOUNT_ID}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        }
    )
    role = iam.create_role(RoleName="acme-support", AssumeRolePolicyDocument=trust)["Role"]
    iam.attach_role_policy(RoleName="acme-support", PolicyArn=SUPPORT_ACCESS)
    lab.roles["acme-support"] = role["Arn"]
    lab.count("AWS::IAM::Role")


def _self_signed(common_name: str, not_before: datetime, not_after: datetime) -> tuple[str, str]:
    """A throwaway self-signed certificate and its private key, both PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    body = certificate.public_bytes(serialization.Encoding.PEM).decode()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return body, private


def _server_certificate(lab: Any) -> None:
    now = datetime.now(UTC)
    body, private = _self_signed("legacy.acme.example", now - timedelta(days=400), now - timedelta(days=30))
    lab.c("iam").upload_server_certificate(
        ServerCertificateName=EXPIRED_CERTIFICATE, CertificateBody=body, PrivateKey=private
    )
    lab.count("AWS::IAM::ServerCertificate")


def _legacy_trail(lab: Any) -> None:
    s3 = lab.c("s3", HOME)
    s3.create_bucket(Bucket=LEGACY_TRAIL_BUCKET)
    lab.count("AWS::S3::Bucket")
    s3.put_bucket_acl(Bucket=LEGACY_TRAIL_BUCKET, ACL="public-read")  # opened up once for a log viewer
    s3.put_bucket_logging(
        Bucket=LEGACY_TRAIL_BUCKET,
        BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": ACCESS_LOG_BUCKET, "TargetPrefix": f"{LEGACY_TRAIL_BUCKET}/"}
        },
    )
    trail_arn = f"arn:aws:cloudtrail:{HOME}:{LAB_ACCOUNT_ID}:trail/acme-legacy-trail"
    s3.put_bucket_policy(
        Bucket=LEGACY_TRAIL_BUCKET,
        Policy=_policy(
            {
                "Sid": "AWSCloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": f"arn:aws:s3:::{LEGACY_TRAIL_BUCKET}",
                "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
            },
            {
                "Sid": "AWSCloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{LEGACY_TRAIL_BUCKET}/AWSLogs/{LAB_ACCOUNT_ID}/*",
                "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
            },
        ),
    )
    lab.c("cloudtrail", HOME).create_trail(
        Name="acme-legacy-trail",
        S3BucketName=LEGACY_TRAIL_BUCKET,
        IsMultiRegionTrail=False,
        EnableLogFileValidation=False,
    )
    lab.count("AWS::CloudTrail::Trail")


def _function_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return {'ok': True}\n")
    return buffer.getvalue()


def _functions(lab: Any) -> None:
    awslambda = lab.c("lambda", HOME)
    for name, runtime, variables in (
        ("acme-legacy-etl", "python3.8", {"LOG_LEVEL": "info", "SOURCE_BUCKET": "acme-customer-data"}),
        (
            "acme-partner-sync",
            "python3.12",
            {"PARTNER_AWS_ACCESS_KEY_ID": FAKE_ACCESS_KEY_ID, "PARTNER_BUCKET": "acme-partner-drop"},
        ),
    ):
        awslambda.create_function(
            FunctionName=name,
            Runtime=runtime,
            Role=lab.roles["acme-lambda-exec"],
            Handler="handler.handler",
            Code={"ZipFile": _function_zip()},
            Environment={"Variables": variables},
        )
        lab.count("AWS::Lambda::Function")


def seed(lab: Any) -> None:
    """Add the identity and data resources described in the module docstring."""
    _users(lab)
    _support_role(lab)
    _server_certificate(lab)
    _legacy_trail(lab)
    _functions(lab)
