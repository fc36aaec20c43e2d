"""The company's AWS resources, as the generated events name them: the lab's "acme" account, grown.

Names follow the lab account (:mod:`cloudward.lab.seed`): buckets ``acme-customer-data``,
``acme-access-logs`` (the CloudTrail bucket), ``acme-public-website``, ``acme-eu-archive``; trails
``acme-org-trail`` and ``acme-eu-audit``; instance ``acme-web-1`` with role ``acme-ec2-app`` and
IMDSv1; Lambda functions under ``acme-lambda-exec``; the vendor roles; the secrets and snapshots of the
seeders. A production company has more than the lab seeds, so the world adds what everyday traffic
touches (a second web instance, an EU batch host, a few dozen secrets and parameters).

Ids (``i-...``, ``sg-...``, ``snap-...``) are derived from the names with :func:`~.tokens.stable`, so
they are the same for every seed: seeds change the activity, not the company.
"""

from __future__ import annotations

from dataclasses import dataclass

from cloudward.lab.events.tokens import stable, stable_uuid, unique_id

HOME = "us-east-1"
EU = "eu-west-1"
REGIONS = (HOME, EU)
# The lab's other accounts: the audit vendor (trusted without ExternalId) and the backup vendor.
VENDOR_ACCOUNT = "999988887777"
BACKUP_VENDOR_ACCOUNT = "444455556666"
# AWS's own account publishing the Lambda Insights extension layer in us-east-1.
AWS_LAMBDA_INSIGHTS_ACCOUNT = "580247275435"
OFFICE_CIDR = "203.0.113.0/24"
OFFICE_IP = "203.0.113.10"


def _rid(prefix: str, name: str, length: int = 17) -> str:
    return f"{prefix}-{stable('world', prefix, name, length=length)}"


@dataclass(frozen=True, slots=True)
class Bucket:
    """An S3 bucket and the object keys its traffic reads and writes."""

    name: str
    region: str
    key_patterns: tuple[str, ...]
    kms: bool = False

    @property
    def host(self) -> str:
        """The virtual-hosted endpoint clients send in ``Host``."""
        if self.region == HOME:
            return f"{self.name}.s3.amazonaws.com"
        return f"{self.name}.s3.{self.region}.amazonaws.com"

    @property
    def arn(self) -> str:
        """``arn:aws:s3:::name``."""
        return f"arn:aws:s3:::{self.name}"


@dataclass(frozen=True, slots=True)
class Instance:
    """An EC2 instance and how its role's credentials reach AWS."""

    name: str
    instance_id: str
    region: str
    role: str | None
    imds_v1: bool
    public_ip: str | None
    private_ip: str
    egress_ip: str
    instance_type: str
    subnet: str
    security_groups: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Function:
    """A Lambda function (all run under ``acme-lambda-exec`` in the lab)."""

    name: str
    region: str
    runtime: str
    role: str
    egress_ips: tuple[str, ...]

    def arn(self, account: str) -> str:
        """The function's ARN."""
        return f"arn:aws:lambda:{self.region}:{account}:function:{self.name}"


@dataclass(frozen=True, slots=True)
class Secret:
    """A Secrets Manager secret (the ARN ends in six random characters, as AWS's do)."""

    name: str
    region: str

    def arn(self, account: str) -> str:
        """The secret's ARN."""
        suffix = stable("secret", self.name, length=6, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        return f"arn:aws:secretsmanager:{self.region}:{account}:secret:{self.name}-{suffix}"


@dataclass(frozen=True, slots=True)
class SecurityGroup:
    """A security group."""

    group_id: str
    name: str
    region: str
    vpc_id: str


@dataclass(frozen=True, slots=True)
class Role:
    """An IAM role."""

    name: str
    path: str = "/"

    @property
    def role_id(self) -> str:
        """The role's unique id (``AROA...``)."""
        return unique_id("AROA", "role", self.name)

    def arn(self, account: str) -> str:
        """The role's ARN (with its path)."""
        return f"arn:aws:iam::{account}:role{self.path}{self.name}"


class World:
    """The acme account's resources. One instance per generation; it holds no randomness."""

    def __init__(self, account: str) -> None:
        self.account = account
        self.buckets = {
            b.name: b
            for b in (
                Bucket(
                    "acme-customer-data",
                    HOME,
                    (
                        "reports/{y}/{m}/{d}/orders-{n}.csv",
                        "exports/customers-{n}.parquet",
                        "incoming/webhooks/{n}.json",
                    ),
                    kms=True,
                ),
                Bucket("acme-access-logs", HOME, ("cloudtrail/AWSLogs/{acct}/{n}.json.gz",)),
                Bucket("acme-public-website", HOME, ("index.html", "assets/app-{n}.js", "img/hero-{n}.webp")),
                Bucket("acme-eu-archive", EU, ("2019/ledger-{n}.csv", "uploads/{y}/{m}/{n}.jpg", "thumbs/{n}.jpg")),
                Bucket("acme-artifacts", HOME, ("lambda/{fn}/{n}.zip", "terraform/{n}.tfplan", "builds/{n}.tar.gz")),
                Bucket("acme-terraform-state", HOME, ("env/prod/terraform.tfstate", "env/eu/terraform.tfstate")),
            )
        }
        self.trail_bucket = "acme-access-logs"
        self.trails = {"acme-org-trail": HOME, "acme-eu-audit": EU}
        self.vpcs = {HOME: _rid("vpc", "acme-prod"), EU: _rid("vpc", "eu-default")}
        self.subnets = {
            "acme-public-a": _rid("subnet", "acme-public-a"),
            "acme-private-a": _rid("subnet", "acme-private-a"),
            "eu-default-a": _rid("subnet", "eu-default-a"),
        }
        self.security_groups = {
            g.name: g
            for g in (
                SecurityGroup(_rid("sg", "acme-web"), "acme-web", HOME, self.vpcs[HOME]),
                SecurityGroup(_rid("sg", "acme-bastion"), "acme-bastion", HOME, self.vpcs[HOME]),
                SecurityGroup(_rid("sg", "acme-ssh-open"), "acme-ssh-open", HOME, self.vpcs[HOME]),
                SecurityGroup(_rid("sg", "acme-db"), "acme-db", HOME, self.vpcs[HOME]),
                SecurityGroup(_rid("sg", "acme-eu-internal"), "acme-eu-internal", EU, self.vpcs[EU]),
            )
        }
        web = self.security_groups["acme-web"].group_id
        bastion = self.security_groups["acme-bastion"].group_id
        eu_sg = self.security_groups["acme-eu-internal"].group_id
        self.instances = {
            i.name: i
            for i in (
                Instance(
                    "acme-web-1",
                    _rid("i", "acme-web-1"),
                    HOME,
                    "acme-ec2-app",
                    True,
                    "54.210.167.33",
                    "10.20.1.27",
                    "54.210.167.33",
                    "t3.micro",
                    self.subnets["acme-public-a"],
                    (web, self.security_groups["acme-ssh-open"].group_id),
                ),
                Instance(
                    "acme-web-2",
                    _rid("i", "acme-web-2"),
                    HOME,
                    "acme-ec2-app",
                    False,
                    "34.228.91.140",
                    "10.20.1.58",
                    "34.228.91.140",
                    "t3.small",
                    self.subnets["acme-public-a"],
                    (web,),
                ),
                Instance(
                    "acme-worker-1",
                    _rid("i", "acme-worker-1"),
                    HOME,
                    None,
                    False,
                    None,
                    "10.20.2.41",
                    "3.216.84.12",
                    "t3.micro",
                    self.subnets["acme-private-a"],
                    (bastion,),
                ),
                Instance(
                    "acme-eu-batch-1",
                    _rid("i", "acme-eu-batch-1"),
                    EU,
                    "acme-ec2-app",
                    False,
                    None,
                    "172.31.14.203",
                    "52.49.207.118",
                    "m6i.large",
                    self.subnets["eu-default-a"],
                    (eu_sg,),
                ),
            )
        }
        self.functions = {
            f.name: f
            for f in (
                Function(
                    "acme-public-webhook", HOME, "python3.12", "acme-lambda-exec", ("3.238.41.7", "44.201.96.180")
                ),
                Function("acme-internal-api", HOME, "python3.12", "acme-lambda-exec", ("3.89.144.201", "52.23.198.4")),
                Function("acme-nightly-report", HOME, "python3.12", "acme-lambda-exec", ("54.162.20.91",)),
                Function("acme-eu-thumbnailer", EU, "python3.12", "acme-lambda-exec", ("34.245.117.62", "52.16.9.240")),
                Function("acme-partner-sync", HOME, "python3.12", "acme-lambda-exec", ("18.207.3.155",)),
            )
        }
        self.roles = {
            r.name: r
            for r in (
                Role("acme-ec2-app"),
                Role("acme-lambda-exec"),
                Role("acme-config-recorder"),
                Role("acme-vendor-audit"),
                Role("acme-vendor-backup"),
                Role("acme-public-trust"),
                Role("acme-support"),
                Role("acme-terraform"),
                Role("acme-deploy"),
                Role("acme-cloudtrail-logs"),
                Role("AWSServiceRoleForAccessAnalyzer", "/aws-service-role/access-analyzer.amazonaws.com/"),
                Role("AWSServiceRoleForAmazonGuardDuty", "/aws-service-role/guardduty.amazonaws.com/"),
            )
        }
        self.users = ("alice", "bob", "carol", "erin", "frank", "ci-deploy")
        self.secrets = tuple(
            [
                Secret(name, HOME)
                for name in (
                    "acme/orders-db/credentials",
                    "acme/legacy/api-token",
                    "acme/prod/webhook-signing-key",
                    "acme/prod/stripe-api-key",
                    "acme/prod/sendgrid-api-key",
                    "acme/prod/github-app-private-key",
                    "acme/prod/jwt-signing-key",
                    "acme/prod/datadog-api-key",
                    "acme/prod/slack-bot-token",
                    "acme/prod/internal-api/service-token",
                    "acme/prod/reporting-db/readonly",
                    "acme/prod/redis-auth",
                    "acme/prod/partner-sftp",
                    "acme/prod/oauth-client-secret",
                    "acme/prod/pagerduty-key",
                    "acme/staging/orders-db/credentials",
                    "acme/staging/stripe-api-key",
                    "acme/staging/jwt-signing-key",
                    "acme/ci/npm-token",
                    "acme/ci/dockerhub",
                    "acme/ci/sonar-token",
                    "acme/admin/break-glass",
                    "acme/backup/encryption-passphrase",
                    "acme/vendor/audit-external-id",
                )
            ]
            + [
                Secret(name, EU)
                for name in (
                    "acme/eu/partner-key",
                    "acme/eu/orders-db/credentials",
                    "acme/eu/smtp-relay",
                    "acme/eu/thumbnailer-token",
                )
            ]
        )
        self.parameters = tuple(
            f"/acme/{env}/{app}/{key}"
            for env in ("prod", "staging")
            for app, keys in (
                ("orders-api", ("db-host", "db-password", "feature-flags", "log-level")),
                ("web", ("session-secret", "cdn-url", "api-url")),
                ("internal-api", ("db-password", "signing-key", "allowed-origins")),
                ("webhook", ("signing-secret", "queue-url")),
                ("report", ("smtp-password", "recipients")),
            )
            for key in keys
        )
        self.secure_parameters = frozenset(
            p
            for p in self.parameters
            if p.rsplit("/", 1)[1] in {"db-password", "session-secret", "signing-key"}
            or p.endswith(("signing-secret", "smtp-password"))
        )
        self.kms_keys = {
            alias: (region, stable_uuid("kms", alias))
            for alias, region in (("acme-data", HOME), ("acme-legacy", HOME), ("acme-eu-data", EU))
        }
        self.volumes = {
            "acme-data-encrypted": _rid("vol", "acme-data-encrypted"),
            "acme-scratch": _rid("vol", "acme-scratch"),
            "acme-web-1-root": _rid("vol", "acme-web-1-root"),
        }
        self.snapshots = {
            "acme-data-backup": _rid("snap", "acme-data-backup"),
            "acme-scratch-public": _rid("snap", "acme-scratch-public"),
        }
        self.images = {
            "acme-web-golden": _rid("ami", "acme-web-golden"),
            "acme-worker-base": _rid("ami", "acme-worker-base"),
        }
        self.db_instances = ("acme-orders-db", "acme-legacy-db")
        self.db_snapshots = ("acme-orders-db-manual", "acme-legacy-db-export")
        self.flow_log_id = _rid("fl", "acme-prod")
        self.detector_ids = {HOME: stable("detector", HOME, length=32), EU: stable("detector", EU, length=32)}
        self.query_log_config = "rqlc-" + stable("rqlc", "acme-prod", length=16)
        self.hosted_zone = "Z" + stable(
            "zone", "acme.example", length=13, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        )
        self.organization_id = "o-" + stable("org", length=10, alphabet="abcdefghijklmnopqrstuvwxyz0123456789")
        self.sso_instance = stable("sso", length=16)
        self.ecr_repositories = ("acme-web-app", "acme-legacy-images")
        self.log_groups = (
            *(f"/aws/lambda/{name}" for name in self.functions),
            "/acme/web/access",
            "/acme/web/app",
            "aws-cloudtrail-logs-acme",
        )

    def kms_arn(self, alias: str) -> str:
        """The ARN of one of the account's KMS keys, by alias name."""
        region, key_id = self.kms_keys[alias]
        return f"arn:aws:kms:{region}:{self.account}:key/{key_id}"

    def role_arn(self, name: str) -> str:
        """The ARN of one of the account's roles."""
        return self.roles[name].arn(self.account)

    def user_arn(self, name: str) -> str:
        """The ARN of an IAM user of the account."""
        return f"arn:aws:iam::{self.account}:user/{name}"

    def secrets_in(self, region: str) -> tuple[Secret, ...]:
        """The secrets kept in ``region``."""
        return tuple(s for s in self.secrets if s.region == region)
