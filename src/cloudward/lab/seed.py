"""Seed the lab: a small company account ("acme") with known weaknesses and well-configured neighbours.

Everything is created over HTTP through boto3, with the lab's credentials, in two regions, so every
seeded threat shows up in a scan and every check also has resources that pass. Only two things reach
into the emulator in-process, because moto offers no API for them (see :func:`age_access_key` and
:func:`_enable_aws_managed_policies`); both need the lab server to run in this process
(:class:`~cloudward.lab.server.LabServer`).

What the account holds (``make demo`` and the collector tests rely on it):

- S3: ``acme-public-website`` (public-read ACL, public GetObject policy, no Block Public Access),
  ``acme-customer-data`` (all four BPA flags, SSE-KMS, versioning, access logging, TLS-only policy),
  ``acme-access-logs`` (the log bucket), ``acme-eu-archive`` in eu-west-1 (unencrypted, unversioned).
  No account-level Block Public Access.
- EC2/VPC: VPC ``acme-prod`` with a flow log, security groups open to the world on SSH, a database
  port and all traffic (us-east-1) and RDP over IPv6 (eu-west-1), a web group (443 only) and a bastion
  group (SSH from one office range); an IMDSv1 instance with a public IP and an instance role, an
  IMDSv2-only private one; an encrypted and an unencrypted volume; EBS encryption by default in
  us-east-1 only; no flow logs on the default VPCs.
- IAM: users alice (console + MFA), bob (console, no MFA, 400-day-old key), ci-deploy (200-day-old key
  never used), carol (AdministratorAccess attached directly); a ``*:*`` policy and a least-privilege
  one; roles trusting anyone, another account without ExternalId, another account with one, EC2 and
  Lambda; a weak password policy (8 characters). The root user has no MFA.
- CloudTrail: a multi-region trail (logging, validation, KMS) and a stopped single-region trail in
  eu-west-1. Config: a recorder (all supported types) with a delivery channel in us-east-1 only.
- KMS: keys with and without rotation. RDS: a public unencrypted postgres, a private encrypted one
  with backups and deletion protection. Lambda: function URLs with AuthType NONE and AWS_IAM, one
  without a URL, a resource policy open to ``*``.
"""

from __future__ import annotations

import io
import json
import urllib.request
import zipfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from moto.core.config import default_user_config
from moto.iam.models import AccessKeyLastUsed, iam_backends

from cloudward.lab.fakes import fake_password
from cloudward.lab.seeders import all_seeders
from cloudward.lab.server import LAB_ACCOUNT_ID, LAB_CREDENTIALS
from cloudward.providers.aws.clients import Boto3Clients

LAB_REGIONS = ("us-east-1", "eu-west-1")
HOME, EU = LAB_REGIONS
LAB_AMI = "ami-04681a1dbd79675a5"  # an Amazon Linux 2 image moto knows in every region
VENDOR_ACCOUNT = "999988887777"
BACKUP_VENDOR_ACCOUNT = "444455556666"
OFFICE_CIDR = "203.0.113.0/24"
OLD_KEY_DAYS = {"bob": 400, "ci-deploy": 200}
BOB_KEY_LAST_USED_DAYS_AGO = 2
OLD_ROLES = {"acme-config-recorder": (300, None), "acme-ec2-app": (400, 1), "acme-vendor-backup": (200, 120)}
"""Roles backdated at seeding (created days ago, last used days ago or never): unused-role checks see both outcomes."""

_READ_REPORTS = {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::acme-customer-data/reports/*"}
_ALL_FOUR_BLOCKED = dict.fromkeys(
    ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
)

_MANAGED_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"


@dataclass(frozen=True, slots=True)
class SeedSummary:
    """What :func:`seed_lab` created.

    Attributes:
        endpoint_url: the emulator seeded.
        regions: the regions that hold resources.
        counts: resources created per type (``AWS::S3::Bucket`` -> 5); the emulator's own defaults
            (default VPCs and security groups, built-in snapshots) are not counted.
        aged_access_keys: access key ids backdated in-process, with their age in days.
    """

    endpoint_url: str
    regions: tuple[str, ...]
    counts: Mapping[str, int]
    aged_access_keys: Mapping[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """All resources created."""
        return sum(self.counts.values())


def _doc(statements: list[dict[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def _trust(principal: Mapping[str, Any], condition: Mapping[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": dict(principal), "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = dict(condition)
    return _doc([statement])


def _tls_only(bucket: str) -> dict[str, Any]:
    # {"AWS": "*"} rather than "*": moto's PutBucketLogging rejects a plain-string principal
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _lambda_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return {'statusCode': 200}\n")
    return buffer.getvalue()


def age_access_key(
    user_name: str,
    days: int,
    *,
    last_used_days_ago: int | None = None,
    account_id: str = LAB_ACCOUNT_ID,
) -> dict[str, int]:
    """Backdate a lab user's access keys: created ``days`` ago, last used ``last_used_days_ago`` (or never).

    moto creates every access key "now" and has no API to age one, so this writes moto's in-process
    IAM backend directly (``moto.iam.models.iam_backends[account]["aws"]``): each key's
    ``create_date`` and ``last_used``, which ListAccessKeys, GetAccessKeyLastUsed and the credential
    report (``access_key_N_last_rotated`` / ``_last_used_date``, rebuilt from them on every
    GetCredentialReport) all read. The user's own creation date moves back too when it would be
    younger than the key. This only works when the emulator runs in this process (``LabServer``);
    against a moto server in another process it raises.

    Args:
        user_name: an IAM user of the lab account.
        days: the keys' age.
        last_used_days_ago: when the keys were last used; None leaves them never used.
        account_id: the emulated account.

    Returns:
        The user's access key ids mapped to their new age in days.

    Raises:
        LookupError: the user does not exist in this process's emulator.
    """
    backend = iam_backends[account_id]["aws"]
    user = backend.users.get(user_name)
    if user is None:
        raise LookupError(
            f"IAM user {user_name!r} is not in this process's emulator: age_access_key only works when "
            "the lab server runs in-process (cloudward.lab.LabServer)"
        )
    now = datetime.now(UTC).replace(tzinfo=None)  # moto keeps naive UTC datetimes
    created = now - timedelta(days=days)
    for key in user.access_keys:
        key.create_date = created
        key.last_used = (
            None
            if last_used_days_ago is None
            else AccessKeyLastUsed(now - timedelta(days=last_used_days_ago), "s3", HOME)
        )
    user.create_date = min(user.create_date, created)
    return {str(key.access_key_id): days for key in user.access_keys}


def age_role(
    role_name: str, days: int, *, last_used_days_ago: int | None = None, account_id: str = LAB_ACCOUNT_ID
) -> None:
    """Backdate a lab role: created ``days`` ago, last used ``last_used_days_ago`` (or never).

    Like :func:`age_access_key`, this writes moto's in-process IAM backend (the role's ``create_date`` and
    ``last_used``, which moto documents as public), because no API can age a role; in-process only.

    Raises:
        LookupError: the role does not exist in this process's emulator.
    """
    role = next((r for r in iam_backends[account_id]["aws"].roles.values() if r.name == role_name), None)
    if role is None:
        raise LookupError(f"IAM role {role_name!r} is not in this process's emulator (age_role needs LabServer)")
    now = datetime.now(UTC).replace(tzinfo=None)  # moto keeps naive UTC datetimes
    role.create_date = now - timedelta(days=days)
    role.last_used = None if last_used_days_ago is None else now - timedelta(days=last_used_days_ago)


def _enable_aws_managed_policies() -> None:
    """Let the in-process emulator know AWS managed policies (AdministratorAccess) for new accounts.

    moto loads them (about 1,600, in well under a second) only when this setting is on at the moment the
    account's IAM backend is first created, and its ``/moto-api/config`` endpoint cannot set it.
    """
    default_user_config.setdefault("iam", {})["load_aws_managed_policies"] = True


class Lab:
    """Creates the lab's resources; one instance per seeding, handed to every seeder module."""

    def __init__(self, endpoint_url: str) -> None:
        self.clients = Boto3Clients(
            endpoint_url=endpoint_url, credentials=LAB_CREDENTIALS, region=HOME, max_attempts=3, read_only=False
        )
        self.counts: Counter[str] = Counter()
        self.kms: dict[str, str] = {}
        self.roles: dict[str, str] = {}
        self.default_vpcs: dict[str, str] = {}

    def c(self, service: str, region: str = HOME) -> Any:
        return self.clients.client(service, region)

    def count(self, resource_type: str, n: int = 1) -> None:
        self.counts[resource_type] += n

    # --- KMS -------------------------------------------------------------------------------------

    def kms_keys(self) -> None:
        for region, alias, rotate in (
            (HOME, "acme-data", True),
            (HOME, "acme-legacy", False),
            (EU, "acme-eu-data", True),
        ):
            kms = self.c("kms", region)
            key = kms.create_key(Description=f"{alias} key", Tags=[{"TagKey": "app", "TagValue": "acme"}])
            key_id = key["KeyMetadata"]["KeyId"]
            kms.create_alias(AliasName=f"alias/{alias}", TargetKeyId=key_id)
            if rotate:
                kms.enable_key_rotation(KeyId=key_id)
            self.kms[alias] = key["KeyMetadata"]["Arn"]
            self.count("AWS::KMS::Key")

    # --- IAM -------------------------------------------------------------------------------------

    def iam(self) -> None:
        iam = self.c("iam")
        iam.update_account_password_policy(MinimumPasswordLength=8)
        full = iam.create_policy(
            PolicyName="acme-full-admin",
            PolicyDocument=_doc([{"Effect": "Allow", "Action": "*", "Resource": "*"}]),
        )["Policy"]["Arn"]
        reports = iam.create_policy(PolicyName="acme-read-reports", PolicyDocument=_doc([_READ_REPORTS]))["Policy"][
            "Arn"
        ]
        self.count("AWS::IAM::Policy", 2)
        iam.create_group(GroupName="developers")
        iam.attach_group_policy(GroupName="developers", PolicyArn=reports)
        self.count("AWS::IAM::Group")
        for name in ("alice", "bob", "ci-deploy", "carol"):
            iam.create_user(UserName=name, Tags=[{"Key": "team", "Value": "platform"}])
            self.count("AWS::IAM::User")
        for name in ("alice", "bob", "carol"):
            iam.create_login_profile(UserName=name, Password="Lab-Passw0rd-Not-Secret!")
        for name in ("alice", "bob"):
            iam.add_user_to_group(GroupName="developers", UserName=name)
        for name in ("alice", "carol"):
            serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=f"{name}-phone")
            iam.enable_mfa_device(
                UserName=name,
                SerialNumber=serial["VirtualMFADevice"]["SerialNumber"],
                AuthenticationCode1="123456",
                AuthenticationCode2="654321",
            )
        for name in ("bob", "ci-deploy"):
            iam.create_access_key(UserName=name)
        iam.attach_user_policy(UserName="carol", PolicyArn=_MANAGED_POLICY)
        roles = {
            "acme-public-trust": _trust({"AWS": "*"}),
            "acme-vendor-audit": _trust({"AWS": f"arn:aws:iam::{VENDOR_ACCOUNT}:root"}),
            "acme-vendor-backup": _trust(
                {"AWS": f"arn:aws:iam::{BACKUP_VENDOR_ACCOUNT}:root"},
                {"StringEquals": {"sts:ExternalId": "acme-7f3c1d"}},
            ),
            "acme-ec2-app": _trust({"Service": "ec2.amazonaws.com"}),
            "acme-lambda-exec": _trust({"Service": "lambda.amazonaws.com"}),
            "acme-config-recorder": _trust({"Service": "config.amazonaws.com"}),
        }
        for role, trust in roles.items():
            self.roles[role] = iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
            self.count("AWS::IAM::Role")
        iam.attach_role_policy(RoleName="acme-vendor-audit", PolicyArn=full)
        iam.put_role_policy(RoleName="acme-ec2-app", PolicyName="read-reports", PolicyDocument=_doc([_READ_REPORTS]))
        iam.create_instance_profile(InstanceProfileName="acme-ec2-app")
        iam.add_role_to_instance_profile(InstanceProfileName="acme-ec2-app", RoleName="acme-ec2-app")

    # --- S3 --------------------------------------------------------------------------------------

    def bucket(self, name: str, region: str) -> Any:
        s3 = self.c("s3", region)
        if region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
        self.count("AWS::S3::Bucket")
        return s3

    @staticmethod
    def block_public_access(s3: Any, bucket: str) -> None:
        s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=_ALL_FOUR_BLOCKED)

    def s3(self) -> None:
        logs = "acme-access-logs"
        s3 = self.bucket(logs, HOME)
        self.block_public_access(s3, logs)
        s3.put_bucket_encryption(
            Bucket=logs,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
        )
        s3.put_bucket_versioning(Bucket=logs, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_policy(
            Bucket=logs,
            Policy=_doc(
                [
                    {
                        "Sid": "S3ServerAccessLogs",
                        "Effect": "Allow",
                        "Principal": {"Service": "logging.s3.amazonaws.com"},
                        "Action": "s3:PutObject",
                        "Resource": f"arn:aws:s3:::{logs}/*",
                        "Condition": {"StringEquals": {"aws:SourceAccount": LAB_ACCOUNT_ID}},
                    },
                    _tls_only(logs),
                ]
            ),
        )

        data = "acme-customer-data"
        s3 = self.bucket(data, HOME)
        s3.put_object(Bucket=data, Key="reports/2026-q3.csv", Body=b"region,revenue\nemea,1\n")
        self.block_public_access(s3, data)
        s3.put_bucket_encryption(
            Bucket=data,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": self.kms["acme-data"],
                        },
                        "BucketKeyEnabled": True,
                    }
                ]
            },
        )
        s3.put_bucket_versioning(Bucket=data, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_logging(
            Bucket=data,
            BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": logs, "TargetPrefix": f"{data}/"}},
        )
        s3.put_bucket_policy(Bucket=data, Policy=_doc([_tls_only(data)]))

        site = "acme-public-website"
        s3 = self.bucket(site, HOME)
        s3.put_object(Bucket=site, Key="index.html", Body=b"<h1>acme</h1>", ContentType="text/html")
        s3.put_bucket_website(Bucket=site, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
        s3.put_bucket_acl(Bucket=site, ACL="public-read")
        s3.put_bucket_policy(
            Bucket=site,
            Policy=_doc(
                [
                    {
                        "Sid": "PublicRead",
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{site}/*",
                    },
                ]
            ),
        )

        archive = "acme-eu-archive"
        s3 = self.bucket(archive, EU)
        s3.put_object(Bucket=archive, Key="2019/ledger.csv", Body=b"id,amount\n1,2\n")

    # --- EC2 / VPC -------------------------------------------------------------------------------

    def security_group(self, region: str, vpc_id: str, name: str, rules: list[dict[str, Any]]) -> str:
        ec2 = self.c("ec2", region)
        group_id = str(
            ec2.create_security_group(
                GroupName=name,
                Description=f"{name} (acme lab)",
                VpcId=vpc_id,
                TagSpecifications=[{"ResourceType": "security-group", "Tags": [{"Key": "Name", "Value": name}]}],
            )["GroupId"]
        )
        if rules:
            ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=rules)
        self.count("AWS::EC2::SecurityGroup")
        return group_id

    @staticmethod
    def tcp(port: int, cidr: str) -> dict[str, Any]:
        ranges = {"Ipv6Ranges": [{"CidrIpv6": cidr}]} if ":" in cidr else {"IpRanges": [{"CidrIp": cidr}]}
        return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, **ranges}

    @staticmethod
    def name_tags(resource_type: str, name: str) -> list[dict[str, Any]]:
        return [{"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": name}]}]

    def ec2_home(self) -> None:
        ec2 = self.c("ec2", HOME)
        vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16", TagSpecifications=self.name_tags("vpc", "acme-prod"))
        vpc_id = vpc["Vpc"]["VpcId"]
        self.count("AWS::EC2::VPC")
        public = ec2.create_subnet(
            VpcId=vpc_id,
            CidrBlock="10.20.1.0/24",
            AvailabilityZone="us-east-1a",
            TagSpecifications=self.name_tags("subnet", "acme-public-a"),
        )["Subnet"]["SubnetId"]
        ec2.modify_subnet_attribute(SubnetId=public, MapPublicIpOnLaunch={"Value": True})
        private = ec2.create_subnet(
            VpcId=vpc_id,
            CidrBlock="10.20.2.0/24",
            AvailabilityZone="us-east-1a",
            TagSpecifications=self.name_tags("subnet", "acme-private-a"),
        )["Subnet"]["SubnetId"]
        gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc_id)
        # moto reads the whole ARN tail as the bucket name, so no "/prefix/" here
        flow_logs = ec2.create_flow_logs(
            ResourceIds=[vpc_id],
            ResourceType="VPC",
            TrafficType="ALL",
            LogDestinationType="s3",
            LogDestination="arn:aws:s3:::acme-access-logs",
        )
        if flow_logs.get("Unsuccessful"):
            raise RuntimeError(f"the lab's flow log was not created: {flow_logs['Unsuccessful']}")
        groups = {
            "acme-ssh-open": [self.tcp(22, "0.0.0.0/0")],
            "acme-db-open": [self.tcp(5432, "0.0.0.0/0")],
            "acme-all-open": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
            "acme-web": [self.tcp(443, "0.0.0.0/0")],
            "acme-bastion": [self.tcp(22, OFFICE_CIDR)],
        }
        ids = {name: self.security_group(HOME, vpc_id, name, rules) for name, rules in groups.items()}
        instance = {"ImageId": LAB_AMI, "InstanceType": "t3.micro", "MinCount": 1, "MaxCount": 1}
        ec2.run_instances(
            **instance,
            SubnetId=public,
            SecurityGroupIds=[ids["acme-web"], ids["acme-ssh-open"]],
            IamInstanceProfile={"Name": "acme-ec2-app"},
            MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "enabled"},
            TagSpecifications=self.name_tags("instance", "acme-web-1"),
        )
        ec2.run_instances(
            **instance,
            SubnetId=private,
            SecurityGroupIds=[ids["acme-bastion"]],
            MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
            TagSpecifications=self.name_tags("instance", "acme-worker-1"),
        )
        self.count("AWS::EC2::Instance", 2)
        ec2.create_volume(
            AvailabilityZone="us-east-1a",
            Size=50,
            Encrypted=True,
            KmsKeyId=self.kms["acme-data"],
            TagSpecifications=self.name_tags("volume", "acme-data-encrypted"),
        )
        ec2.create_volume(
            AvailabilityZone="us-east-1a",
            Size=20,
            Encrypted=False,
            TagSpecifications=self.name_tags("volume", "acme-scratch"),
        )
        self.count("AWS::EC2::Volume", 2)
        # after the unencrypted volume: with the default on, AWS would encrypt it anyway
        ec2.enable_ebs_encryption_by_default()

    def default_vpc(self, region: str) -> str:
        if region not in self.default_vpcs:
            vpcs = self.c("ec2", region).describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
            self.default_vpcs[region] = str(vpcs[0]["VpcId"])
        return self.default_vpcs[region]

    def ec2_eu(self) -> None:
        vpc_id = self.default_vpc(EU)
        self.security_group(EU, vpc_id, "acme-eu-rdp-open", [self.tcp(3389, "::/0")])
        self.security_group(EU, vpc_id, "acme-eu-internal", [self.tcp(443, "10.0.0.0/8")])

    # --- CloudTrail, Config ----------------------------------------------------------------------

    def cloudtrail(self) -> None:
        home = self.c("cloudtrail", HOME)
        home.create_trail(
            Name="acme-org-trail",
            S3BucketName="acme-access-logs",
            S3KeyPrefix="cloudtrail",
            IsMultiRegionTrail=True,
            IncludeGlobalServiceEvents=True,
            EnableLogFileValidation=True,
            KmsKeyId=self.kms["acme-data"],
        )
        home.start_logging(Name="acme-org-trail")
        self.c("cloudtrail", EU).create_trail(
            Name="acme-eu-audit",
            S3BucketName="acme-eu-archive",
            IsMultiRegionTrail=False,
            EnableLogFileValidation=False,
        )
        self.count("AWS::CloudTrail::Trail", 2)

    def config(self) -> None:
        config = self.c("config", HOME)
        config.put_configuration_recorder(
            ConfigurationRecorder={
                "name": "default",
                "roleARN": self.roles["acme-config-recorder"],
                "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
            }
        )
        config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "acme-access-logs"})
        config.start_configuration_recorder(ConfigurationRecorderName="default")
        self.count("AWS::Config::ConfigurationRecorder")

    # --- RDS -------------------------------------------------------------------------------------

    def rds(self) -> None:
        rds = self.c("rds", HOME)
        common = {
            "Engine": "postgres",
            "DBInstanceClass": "db.t3.micro",
            "AllocatedStorage": 20,
            "MasterUsername": "acme",
            "MasterUserPassword": "Lab-Passw0rd-Not-Secret",
        }
        rds.create_db_instance(
            DBInstanceIdentifier="acme-legacy-db",
            PubliclyAccessible=True,
            StorageEncrypted=False,
            BackupRetentionPeriod=0,
            **common,
        )
        rds.create_db_instance(
            DBInstanceIdentifier="acme-orders-db",
            PubliclyAccessible=False,
            StorageEncrypted=True,
            KmsKeyId=self.kms["acme-data"],
            BackupRetentionPeriod=7,
            DeletionProtection=True,
            MultiAZ=True,
            **common,
        )
        self.count("AWS::RDS::DBInstance", 2)

    # --- Lambda ----------------------------------------------------------------------------------

    def function(
        self,
        region: str,
        name: str,
        environment: Mapping[str, str] | None = None,
        url_auth: str | None = None,
    ) -> Any:
        awslambda = self.c("lambda", region)
        awslambda.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=self.roles["acme-lambda-exec"],
            Handler="handler.handler",
            Code={"ZipFile": _lambda_zip()},
            Environment={"Variables": dict(environment or {})},
        )
        if url_auth:
            awslambda.create_function_url_config(FunctionName=name, AuthType=url_auth)
        self.count("AWS::Lambda::Function")
        return awslambda

    def lambdas(self) -> None:
        webhook = self.function(HOME, "acme-public-webhook", {"WEBHOOK_SECRET": WEBHOOK_SECRET}, "NONE")
        webhook.add_permission(
            FunctionName="acme-public-webhook",
            StatementId="public-url",
            Action="lambda:InvokeFunctionUrl",
            Principal="*",
            FunctionUrlAuthType="NONE",
        )
        self.function(HOME, "acme-internal-api", {"LOG_LEVEL": "info"}, "AWS_IAM")
        report = self.function(HOME, "acme-nightly-report", {"DB_PASSWORD": REPORT_DB_PASSWORD})
        report.add_permission(
            FunctionName="acme-nightly-report",
            StatementId="nightly-schedule",
            Action="lambda:InvokeFunction",
            Principal="events.amazonaws.com",
            SourceArn=f"arn:aws:events:{HOME}:{LAB_ACCOUNT_ID}:rule/acme-nightly",
        )
        self.function(EU, "acme-eu-thumbnailer")

    # --- scale -----------------------------------------------------------------------------------

    def scaled(self, index: int) -> None:
        """One more of each benchmark type, alternating region and configuration."""
        region = LAB_REGIONS[index % 2]
        weak = index % 2 == 0
        name = f"acme-bench-{index:04d}"
        s3 = self.bucket(name, region)
        if not weak:
            self.block_public_access(s3, name)
        self.security_group(
            region,
            self.default_vpc(region),
            f"{name}-sg",
            [self.tcp(22, "0.0.0.0/0") if weak else self.tcp(443, "10.0.0.0/8")],
        )
        iam = self.c("iam")
        iam.create_user(UserName=f"bench-user-{index:04d}")
        if weak:
            iam.create_access_key(UserName=f"bench-user-{index:04d}")
        self.count("AWS::IAM::User")
        self.function(
            region, f"{name}-fn", {"TOKEN": fake_password(f"{name}-token")} if weak else None, "NONE" if weak else None
        )


LAB_RANDOM_SEED = 20261129
WEBHOOK_SECRET = fake_password("webhook-secret", 24)
"""acme-public-webhook's plaintext WEBHOOK_SECRET (fake, made at import from a hash; never shown by a scan)."""
REPORT_DB_PASSWORD = fake_password("nightly-report-db-password", 21)
"""acme-nightly-report's plaintext DB_PASSWORD (fake, likewise)."""


def _make_ids_reproducible(endpoint_url: str) -> None:
    """Seed moto's id generator, so a fresh lab gets the same instance, key and volume ids every time.

    The lab's expected findings (tests/lab/expected_findings.txt) name resources moto creates itself
    (default VPCs and NACLs, root volumes), so their ids must not change between runs.
    """
    request = urllib.request.Request(f"{endpoint_url}/moto-api/seed?a={LAB_RANDOM_SEED}", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def seed_lab(endpoint_url: str, scale: int = 0, *, age_keys: bool = True) -> SeedSummary:
    """Create the acme account in a fresh emulator at ``endpoint_url``, over HTTP with the lab credentials.

    Meant for a fresh server (names are fixed, so a second run fails on the first duplicate).

    Args:
        endpoint_url: the emulator (``LabServer().start()``).
        scale: this many more buckets, security groups, users and Lambda functions each (for benchmarks),
            half weak and half well configured, spread over both regions.
        age_keys: backdate bob's and ci-deploy's access keys and the OLD_ROLES (:func:`age_access_key`,
            :func:`age_role`); this and carol's
            AdministratorAccess need the emulator in this process. Pass False for a server elsewhere
            (its keys then look new, and moto must be started with MOTO_IAM_LOAD_MANAGED_POLICIES=true).

    Returns:
        What was created, per resource type.
    """
    _enable_aws_managed_policies()
    _make_ids_reproducible(endpoint_url)
    seeder = Lab(endpoint_url)
    # Sequential on purpose: the emulator shares this process's GIL, so threads made seeding slower.
    # Order matters: KMS keys and IAM roles before their users, the log bucket before its writers.
    for step in (
        seeder.kms_keys,
        seeder.iam,
        seeder.s3,
        seeder.ec2_home,
        seeder.ec2_eu,
        seeder.cloudtrail,
        seeder.config,
        seeder.rds,
        seeder.lambdas,
    ):
        step()
    for _name, seed_area in all_seeders():
        seed_area(seeder)
    for index in range(scale):
        seeder.scaled(index)
    aged: dict[str, int] = {}
    if age_keys:
        aged.update(age_access_key("bob", OLD_KEY_DAYS["bob"], last_used_days_ago=BOB_KEY_LAST_USED_DAYS_AGO))
        aged.update(age_access_key("ci-deploy", OLD_KEY_DAYS["ci-deploy"]))
        for role, (days, last_used) in OLD_ROLES.items():
            age_role(role, days, last_used_days_ago=last_used)
    return SeedSummary(
        endpoint_url=endpoint_url,
        regions=LAB_REGIONS,
        counts=dict(sorted(seeder.counts.items())),
        aged_access_keys=aged,
    )
