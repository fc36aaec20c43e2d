"""Who calls AWS in the company: engineers, CI, vendors, workloads and AWS services, as CloudTrail names them.

An :class:`Actor` is one way of calling AWS at one time: the ``userIdentity`` block CloudTrail writes,
the source address, the user agent, whether the call came through the console and over which TLS.
Actors are built per session (a console login, a CLI session, a Terraform run, a Lambda container),
because the temporary access key and the session's ``creationDate`` belong to the session.

The ``userIdentity`` shapes follow the CloudTrail userIdentity reference: ``Root``, ``IAMUser``,
``AssumedRole`` (with ``sessionContext.sessionIssuer`` and ``attributes.mfaAuthenticated``; EC2 instance
credentials add ``ec2RoleDelivery``), ``AWSService`` (``invokedBy``), ``AWSAccount`` (a role assumed from
another account), ``FederatedUser`` (GetFederationToken), ``SAMLUser`` and ``WebIdentityUser``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cloudward.lab.events.clock import Clock
from cloudward.lab.events.tokens import stable, stable_key_id, unique_id
from cloudward.lab.events.world import EU, HOME, OFFICE_IP, World

Identity = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Actor:
    """A caller as one record shows it.

    Attributes:
        name: a short stable name for the principal (``alice``, ``acme-ec2-app/i-0...``); not written.
        identity: the record's ``userIdentity`` (shared between records; never mutate it).
        source_ip: ``sourceIPAddress`` (an address, or a service's host name for AWS services).
        user_agent: ``userAgent``; for the AWS CLI the base string, completed per command.
        arn: the ARN an AccessDenied message names.
        cli: append the CLI's ``md/command#service.operation`` to the user agent.
        tls: ``"1.3"``, ``"1.2"`` or ``None`` (calls made inside AWS carry no ``tlsDetails``).
        console: the call used console session credentials (``sessionCredentialFromConsole``).
        vpc_endpoint: the interface or gateway endpoint the call came through, if any.
    """

    name: str
    identity: Identity
    source_ip: str
    user_agent: str
    arn: str
    cli: bool = False
    tls: str | None = "1.3"
    console: bool = False
    vpc_endpoint: str | None = None

    def signing_in(self) -> Actor:
        """The actor as sign-in events show it: the user without session credentials (SSO sessions as they are)."""
        identity = self.identity
        if identity.get("type") == "IAMUser":
            identity = {k: identity[k] for k in ("type", "principalId", "arn", "accountId", "userName")}
        elif identity.get("type") == "Root":
            identity = {k: identity[k] for k in ("type", "principalId", "arn", "accountId")} | {"accessKeyId": ""}
        return Actor(self.name, identity, self.source_ip, self.user_agent, self.arn, tls=self.tls)

    def moved(self, source_ip: str, user_agent: str | None = None, *, tls: str | None = "1.3") -> Actor:
        """The same credentials used from elsewhere (a stolen key, an instance role outside its instance)."""
        return Actor(
            self.name,
            self.identity,
            source_ip,
            user_agent if user_agent is not None else self.user_agent,
            self.arn,
            cli=self.cli if user_agent is None else user_agent.startswith("aws-cli/"),
            tls=tls,
            console=False,
            vpc_endpoint=None,
        )


# --- userIdentity shapes ---------------------------------------------------------------------------


def _session_context(issuer: Identity, created: str, mfa: bool) -> Identity:
    return {
        "sessionIssuer": issuer,
        "webIdFederationData": {},
        "attributes": {"creationDate": created, "mfaAuthenticated": "true" if mfa else "false"},
    }


def _issuer(kind: str, principal_id: str, arn: str, account: str, user_name: str) -> Identity:
    return {"type": kind, "principalId": principal_id, "arn": arn, "accountId": account, "userName": user_name}


def _long_term(
    kind: str,
    principal_id: str,
    arn: str,
    account: str,
    access_key: str | None,
    user_name: str | None,
    session_created: str | None,
    mfa: bool,
) -> Identity:
    identity: Identity = {"type": kind, "principalId": principal_id, "arn": arn, "accountId": account}
    if access_key is not None:
        identity["accessKeyId"] = access_key
    if user_name is not None:
        identity["userName"] = user_name
    if session_created is not None:
        identity["sessionContext"] = _session_context({}, session_created, mfa)
    return identity


def iam_user(
    account: str,
    user: str,
    access_key: str | None,
    *,
    session_created: str | None = None,
    mfa: bool = False,
) -> Identity:
    """``IAMUser``: long-term keys, or console session credentials (``session_created`` set)."""
    arn = f"arn:aws:iam::{account}:user/{user}"
    return _long_term("IAMUser", unique_id("AIDA", "user", user), arn, account, access_key, user, session_created, mfa)


def root(account: str, access_key: str | None, *, session_created: str | None = None, mfa: bool = False) -> Identity:
    """``Root``: the account's root user."""
    arn = f"arn:aws:iam::{account}:root"
    return _long_term("Root", account, arn, account, access_key, None, session_created, mfa)


def assumed_role(
    account: str,
    role_name: str,
    role_path: str,
    session_name: str,
    access_key: str,
    created: str,
    *,
    mfa: bool = False,
    ec2_delivery: str | None = None,
    invoked_by: str | None = None,
    source_identity: str | None = None,
) -> Identity:
    """``AssumedRole``: temporary credentials of a role session."""
    role_id = unique_id("AROA", "role", role_name)
    role_arn = f"arn:aws:iam::{account}:role{role_path}{role_name}"
    context = _session_context(_issuer("Role", role_id, role_arn, account, role_name), created, mfa)
    if source_identity is not None:
        context["sourceIdentity"] = source_identity
    if ec2_delivery is not None:
        context["ec2RoleDelivery"] = ec2_delivery
    identity: Identity = {
        "type": "AssumedRole",
        "principalId": f"{role_id}:{session_name}",
        "arn": f"arn:aws:sts::{account}:assumed-role/{role_name}/{session_name}",
        "accountId": account,
        "accessKeyId": access_key,
        "sessionContext": context,
    }
    if invoked_by is not None:
        identity["invokedBy"] = invoked_by
    return identity


def aws_service(service: str) -> Identity:
    """``AWSService``: a call an AWS service made itself (``invokedBy`` names it)."""
    return {"type": "AWSService", "invokedBy": service}


def aws_account(account: str, principal_id: str) -> Identity:
    """``AWSAccount``: a principal of another account (a cross-account AssumeRole)."""
    return {"type": "AWSAccount", "principalId": principal_id, "accountId": account}


def federated_user(account: str, name: str, issuer_user: str, access_key: str, created: str) -> Identity:
    """``FederatedUser``: credentials from ``sts:GetFederationToken`` called by an IAM user."""
    issuer_arn = f"arn:aws:iam::{account}:user/{issuer_user}"
    issuer = _issuer("IAMUser", unique_id("AIDA", "user", issuer_user), issuer_arn, account, issuer_user)
    return {
        "type": "FederatedUser",
        "principalId": f"{account}:{name}",
        "arn": f"arn:aws:sts::{account}:federated-user/{name}",
        "accountId": account,
        "accessKeyId": access_key,
        "sessionContext": _session_context(issuer, created, False),
    }


def saml_user(account: str, provider: str, user: str) -> Identity:
    """``SAMLUser``: the caller of ``AssumeRoleWithSAML`` (IAM Identity Center sign-ins)."""
    return {
        "type": "SAMLUser",
        "principalId": f"{stable('saml', user, length=28, alphabet='ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/')}=:{user}",
        "userName": user,
        "identityProvider": f"arn:aws:iam::{account}:saml-provider/{provider}",
    }


def web_identity_user(account: str, provider: str, subject: str) -> Identity:
    """``WebIdentityUser``: the caller of ``AssumeRoleWithWebIdentity`` (GitHub Actions OIDC)."""
    return {
        "type": "WebIdentityUser",
        "principalId": f"arn:aws:iam::{account}:oidc-provider/{provider}:sts.amazonaws.com:{subject}",
        "userName": subject,
        "identityProvider": f"arn:aws:iam::{account}:oidc-provider/{provider}",
    }


# --- the people ------------------------------------------------------------------------------------


def _cli_ua(version: str, os: str, arch: str) -> str:
    return (
        f"aws-cli/{version} md/awscrt#0.22.0 ua/2.0 os/{os} md/arch#{arch} lang/python#3.12.6 "
        "md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off"
    )


MAC_CHROME = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/129.0.0.0 Safari/537.36"
)
MAC_SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.0 Safari/605.1.15"
)
WIN_EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/129.0.0.0 Safari/537.36 Edg/129.0.0.0"
)
LINUX_FIREFOX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0"


@dataclass(frozen=True, slots=True)
class Engineer:
    """One of the company's ~10 engineers and their habits.

    Attributes:
        name: IAM user name, or the local part of the SSO user name.
        sso: signs in through IAM Identity Center (AssumedRole ``AWSReservedSSO_<set>_...``) rather than
            as an IAM user.
        permission_set: the SSO permission set (``AdministratorAccess``, ``PowerUserAccess``,
            ``ReadOnlyAccess``); IAM users use their attached policies.
        utc_offset: hours from UTC of their working day.
        home_ip: their stable home address (they work from the office on ``office_days``).
        office_ip: the office's NAT address.
        office_days: weekdays (0 = Monday) at the office.
        cli: the AWS CLI user agent on their laptop.
        browser: their browser's user agent.
        console_share: how much of their work is in the console rather than the CLI.
        mfa: IAM users with an MFA device sign in with it.
        console: has a console password (IAM users).
        regions: the regions they work in, the first most.
        writes: how often a call of theirs changes something (roles that may write).
    """

    name: str
    sso: bool
    permission_set: str
    utc_offset: int
    home_ip: str
    office_ip: str
    office_days: frozenset[int]
    cli: str
    browser: str
    console_share: float
    mfa: bool
    console: bool
    regions: tuple[str, ...]
    writes: float

    @property
    def email(self) -> str:
        """The SSO user name."""
        return f"{self.name}@acme.example"

    def access_key(self) -> str:
        """The IAM user's long-term access key id (stable)."""
        return stable_key_id("AKIA", "user-key", self.name)

    def ip_on(self, weekday: int) -> str:
        """Where they work from that weekday."""
        return self.office_ip if weekday in self.office_days else self.home_ip


US_OFFICE = OFFICE_IP
EU_OFFICE = "198.51.100.20"


# Each engineer's AWS CLI build: version, OS and architecture.
_CLI_BUILDS = {
    "alice": "2.18.4 macos#24.0.0 arm64",
    "bob": "2.15.30 linux#6.8.0-47-generic x86_64",
    "carol": "2.18.4 macos#23.6.0 arm64",
    "erin": "2.17.52 linux#6.5.0-1025-oem x86_64",
    "frank": "2.18.1 windows#10 x86_64",
    "dan": "2.18.4 macos#24.0.0 arm64",
    "grace": "2.17.60 macos#23.6.0 x86_64",
    "hiro": "2.18.4 linux#6.8.0-45-generic x86_64",
    "ines": "2.16.12 macos#22.6.0 x86_64",
    "jonas": "2.18.2 macos#24.0.0 arm64",
}


def _engineer(
    name: str,
    permission_set: str,
    utc_offset: int,
    home_ip: str,
    office_days: str,
    browser: str,
    console_share: float,
    regions: tuple[str, ...],
    writes: float,
    *,
    mfa: bool = True,
) -> Engineer:
    """An engineer: an SSO user when ``permission_set`` is set, else an IAM user with a console password.

    ``office_days`` lists weekday digits; the office is the US one west of UTC, else the EU one.
    """
    sso = bool(permission_set)
    return Engineer(
        name,
        sso,
        permission_set,
        utc_offset,
        home_ip,
        US_OFFICE if utc_offset < 0 else EU_OFFICE,
        frozenset(int(day) for day in office_days),
        _cli_ua(*_CLI_BUILDS[name].split()),
        browser,
        console_share,
        mfa,
        not sso,
        regions,
        writes,
    )


ENGINEERS: tuple[Engineer, ...] = (
    _engineer("alice", "", -5, "73.162.118.45", "123", MAC_CHROME, 0.5, (HOME, EU), 0.04),
    _engineer("bob", "", -5, "24.17.203.88", "13", LINUX_FIREFOX, 0.0, (HOME,), 0.03, mfa=False),
    _engineer("carol", "", -5, "71.232.9.140", "0123", MAC_SAFARI, 0.7, (HOME, EU), 0.05),
    _engineer("erin", "", 1, "86.149.33.20", "12", LINUX_FIREFOX, 0.2, (EU, HOME), 0.03),
    _engineer("frank", "", 1, "92.40.181.7", "023", WIN_EDGE, 0.6, (EU,), 0.02),
    _engineer("dan", "AdministratorAccess", -5, "98.118.57.211", "123", MAC_CHROME, 0.5, (HOME, EU), 0.05),
    _engineer("grace", "PowerUserAccess", -5, "67.180.22.93", "024", MAC_CHROME, 0.4, (HOME,), 0.04),
    _engineer("hiro", "PowerUserAccess", 1, "81.174.250.66", "13", LINUX_FIREFOX, 0.3, (EU, HOME), 0.04),
    _engineer("ines", "ReadOnlyAccess", 1, "95.91.214.130", "0123", MAC_SAFARI, 0.8, (EU, HOME), 0.02),
    _engineer("jonas", "PowerUserAccess", 1, "84.113.57.98", "23", MAC_CHROME, 0.4, (EU,), 0.04),
)

# Where their browsers' console sign-ins land (an IAM user signing in through the global endpoint with
# an account-alias cookie is recorded in us-east-2, eu-north-1 or ap-southeast-2 by latency).
SIGNIN_REGION = {-5: "us-east-2", 1: "eu-north-1"}

# --- machines --------------------------------------------------------------------------------------

TERRAFORM_UA = (
    "APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.76.0 "
    "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.4 ua/2.1 os/linux lang/go#1.23.3 "
    "md/GOOS#linux md/GOARCH#amd64"
)
LAMBDA_BOTO = (
    "Boto3/1.34.145 md/Botocore#1.34.145 ua/2.0 os/linux#5.10.227-239.884.amzn2.x86_64 md/arch#x86_64 "
    "lang/python#3.12.7 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.145"
)
EC2_BOTO = (
    "Boto3/1.35.40 md/Botocore#1.35.40 ua/2.0 os/linux#6.1.112-124.190.amzn2023.x86_64 md/arch#x86_64 "
    "lang/python#3.11.10 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.40"
)
SSM_AGENT = "aws-sdk-go/1.54.19 (go1.22.7; linux; amd64) amazon-ssm-agent/3.3.987.0"
GITHUB_OIDC_UA = "configure-aws-credentials-for-github-actions"
GITHUB_OIDC = "token.actions.githubusercontent.com"
SSO_PROVIDER_NAME = "AWSSSO_{instance}_DO_NOT_DELETE"
VENDOR_AUDIT_UA = (
    "Boto3/1.35.54 md/Botocore#1.35.54 ua/2.0 os/linux#5.15.0-1071-aws md/arch#x86_64 lang/python#3.11.10 "
    "md/pyimpl#CPython cfg/retry-mode#adaptive Botocore/1.35.54 cspm-collector/4.12.1"
)
VENDOR_AUDIT_IPS = ("44.226.120.17", "44.226.120.18")
BACKUP_VENDOR_UA = (
    "aws-sdk-java/2.28.16 Linux/5.10.226-214.880.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/21.0.5+11-LTS Java/21.0.5 "
    "vendor/Amazon.com_Inc. exec-env/AWS_ECS_FARGATE io/sync http/Apache cfg/retry-mode/standard vault-sync/2.3"
)
BACKUP_VENDOR_IPS = ("18.133.52.9", "18.133.52.10")
# GitHub-hosted runners egress from Azure address space.
GITHUB_RUNNER_PREFIXES = ("20.55.", "4.227.", "172.183.", "52.225.", "40.84.", "20.161.")
CONSOLE_UA = {
    "ec2": "console.ec2.amazonaws.com",
    "s3": (
        "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.772 Linux/5.10.227-198.884.amzn2int.x86_64 "
        "OpenJDK_64-Bit_Server_VM/25.432-b06 java/1.8.0_432 vendor/Oracle_Corporation cfg/retry-mode/standard]"
    ),
    "iam": "AWS Internal",
    "cloudtrail": "AWS Internal",
    "monitoring": "AWS Internal",
    "health": "AWS Internal",
    "ce": "AWS Internal",
    "organizations": "AWS Internal",
}


@dataclass(slots=True)
class Company:
    """The principals of the acme account and the actors built from them."""

    world: World
    engineers: tuple[Engineer, ...] = ENGINEERS
    sso_roles: dict[str, str] = field(default_factory=dict)
    _actors: dict[tuple[str, str, int, int], Actor] = field(default_factory=dict)

    def __post_init__(self) -> None:
        instance = self.world.sso_instance
        for permission_set in ("AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess"):
            self.sso_roles[permission_set] = (
                f"AWSReservedSSO_{permission_set}_{stable('sso-role', instance, permission_set, length=16)}"
            )

    @property
    def account(self) -> str:
        """The account id."""
        return self.world.account

    @property
    def sso_provider(self) -> str:
        """The SAML provider IAM Identity Center keeps in the account."""
        return SSO_PROVIDER_NAME.format(instance=self.world.sso_instance[:16])

    # --- engineers -------------------------------------------------------------------------------

    def engineer(self, name: str) -> Engineer:
        """An engineer by name."""
        return next(e for e in self.engineers if e.name == name)

    def engineer_actor(self, engineer: Engineer, *, ip: str, console: bool, session_key: str, created: str) -> Actor:
        """The identity an engineer's calls carry in one session (console or CLI)."""
        account = self.account
        if engineer.sso:
            role = self.sso_roles[engineer.permission_set]
            identity = assumed_role(
                account, role, "/aws-reserved/sso.amazonaws.com/", engineer.email, session_key, created
            )
            arn = identity["arn"]
        elif console:
            identity = iam_user(account, engineer.name, session_key, session_created=created, mfa=engineer.mfa)
            arn = identity["arn"]
        else:
            identity = iam_user(account, engineer.name, engineer.access_key())
            arn = identity["arn"]
        if console:
            return Actor(engineer.name, identity, ip, engineer.browser, arn, console=True)
        return Actor(engineer.name, identity, ip, engineer.cli, arn, cli=True)

    # --- workloads -------------------------------------------------------------------------------

    def instance_actor(self, instance_name: str, key_epoch: int) -> Actor:
        """An EC2 instance's role credentials (rotated every six hours) as its own calls carry them."""
        cache_key = ("instance", instance_name, key_epoch, 0)
        cached = self._actors.get(cache_key)
        if cached is not None:
            return cached
        inst = self.world.instances[instance_name]
        if inst.role is None:
            raise ValueError(f"{instance_name} has no instance profile")
        role = self.world.roles[inst.role]
        key = stable_key_id("ASIA", "instance", inst.instance_id, key_epoch)
        identity = assumed_role(
            self.account,
            role.name,
            role.path,
            inst.instance_id,
            key,
            _iso(key_epoch * 21_600 + 7),
            ec2_delivery="1.0" if inst.imds_v1 else "2.0",
        )
        return self._remember(
            cache_key, Actor(f"{role.name}/{inst.instance_id}", identity, inst.egress_ip, EC2_BOTO, identity["arn"])
        )

    def function_actor(self, function_name: str, container: int, ip_index: int) -> Actor:
        """A Lambda function's execution-role session (one per container)."""
        cache_key = ("lambda", function_name, container, ip_index)
        cached = self._actors.get(cache_key)
        if cached is not None:
            return cached
        fn = self.world.functions[function_name]
        role = self.world.roles[fn.role]
        key = stable_key_id("ASIA", "lambda", fn.name, container)
        identity = assumed_role(self.account, role.name, role.path, fn.name, key, _iso(container * 900 + 3))
        ip = fn.egress_ips[ip_index % len(fn.egress_ips)]
        return self._remember(cache_key, Actor(f"{role.name}/{fn.name}", identity, ip, LAMBDA_BOTO, identity["arn"]))

    def _remember(self, cache_key: tuple[str, str, int, int], actor: Actor) -> Actor:
        if len(self._actors) > 4096:
            self._actors.clear()
        self._actors[cache_key] = actor
        return actor

    def service_actor(self, service: str) -> Actor:
        """An AWS service calling on its own behalf (``AWSService``)."""
        return Actor(service, aws_service(service), service, service, service, tls=None)

    def service_role_actor(self, role_name: str, session: str, service: str, created: str) -> Actor:
        """A service (Config, Access Analyzer, GuardDuty) working through a role it assumed."""
        role = self.world.roles[role_name]
        key = stable_key_id("ASIA", "service-role", role_name, created)
        identity = assumed_role(self.account, role.name, role.path, session, key, created, invoked_by=service)
        return Actor(f"{role_name}/{session}", identity, service, service, identity["arn"], tls=None)

    def role_session_actor(
        self,
        role_name: str,
        session: str,
        *,
        key: str,
        created: str,
        ip: str,
        user_agent: str,
        cli: bool = False,
        tls: str | None = "1.3",
        mfa: bool = False,
    ) -> Actor:
        """Any role session of the account (CI, vendors, support)."""
        role = self.world.roles[role_name]
        identity = assumed_role(self.account, role.name, role.path, session, key, created, mfa=mfa)
        return Actor(f"{role_name}/{session}", identity, ip, user_agent, identity["arn"], cli=cli, tls=tls)


_CLOCK = Clock()


def _iso(second: int) -> str:
    return _CLOCK.iso(second)


def engineer_session_key(name: str, second: int, *, console: bool) -> str:
    """The temporary key of an engineer's session at ``second`` (SSO and console sessions last 8 hours)."""
    return stable_key_id("ASIA", "engineer", name, second // (8 * 3600), console)


__all__ = [
    "ENGINEERS",
    "Actor",
    "Company",
    "Engineer",
    "engineer_session_key",
]
