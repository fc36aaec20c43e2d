"""Attack scenarios: labelled CloudTrail records of the techniques the issue and Stratus Red Team list.

Each scenario is a short sequence of calls made by a plausible attacker: a leaked long-term key of an
existing user (bob's 400-day-old key, carol's admin key) used from a new address with a new user agent,
a stolen IAM Identity Center session of an admin, an instance role's credentials used outside the
instance, the root user, or principals the attacker created. Every record a scenario writes carries an
:class:`~.context.EventLabel`; ``key`` marks the records a detection should fire on.

The records follow AWS's shapes for each API (see :mod:`.apis`), and where Stratus Red Team publishes
detonation logs, the same event names and distinguishing fields (``requestParameters`` keys and
values) appear. User agents are those of real tools (AWS CLI v1 on Kali, boto3, the Go SDK, Pacu,
TruffleHog, S3 Browser, Cyberduck), never Stratus Red Team's own marker.

Technique ids: the current ATT&CK id first; where ATT&CK v19 (April 2026) moved a technique (Impair
Defenses T1562 into Disable or Modify Tools T1685 and System Firewall T1686) both ids are listed, as
SigmaHQ's AWS rules use the new ones and most tooling still the old.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cloudward.lab.events.apis import ADMIN_POLICY, Apis, trust_text
from cloudward.lab.events.clock import DAY, HOUR, MINUTE
from cloudward.lab.events.context import Ctx, EventLabel
from cloudward.lab.events.identities import (
    Actor,
    Engineer,
    assumed_role,
    aws_account,
    engineer_session_key,
    federated_user,
    iam_user,
    root,
)
from cloudward.lab.events.records import SERVICES, Call, Error, Json
from cloudward.lab.events.tokens import stable, stable_key_id, unique_id
from cloudward.lab.events.world import EU, HOME, World

ATTACKER_ACCOUNT = "739562084613"
ATTACKER_IPS = (
    "185.220.101.47",
    "45.148.10.92",
    "193.142.146.21",
    "91.92.251.103",
    "146.70.199.34",
    "5.181.86.200",
    "104.248.61.18",
    "167.99.212.77",
    "38.180.91.6",
    "89.185.85.41",
    "194.26.192.15",
    "141.98.11.56",
    "179.43.187.139",
    "23.129.64.214",
    "212.102.40.218",
    "103.214.5.77",
)
CLI_V1_KALI = "aws-cli/1.32.101 Python/3.11.9 Linux/6.8.11-amd64 botocore/1.34.101 distrib/kali.2024"
CLI_V2_KALI = (
    "aws-cli/2.15.58 md/awscrt#0.19.19 ua/2.0 os/linux#6.6.15-amd64 md/arch#x86_64 lang/python#3.11.8 "
    "md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/distrib#kali.2024 md/prompt#off"
)
BOTO_SCRIPT = "Boto3/1.26.137 Python/3.10.12 Linux/5.15.0-76-generic Botocore/1.29.137"
GO_SDK = "aws-sdk-go/1.44.298 (go1.20.6; linux; amd64)"
PACU = "aws-cli/1.16.145 Python/3.8.5 Linux/5.8.0-kali2-amd64 botocore/1.12.135 Pacu"
TRUFFLEHOG = "TruffleHog"
S3_BROWSER = "S3 Browser/11.5.7 https://s3browser.com"
CYBERDUCK = "Cyberduck/8.8.2.41350 (Windows 10/10.0.19045.0) (x86-64)"
ATTACKER_BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
ATTACKER_TOOLS = (CLI_V1_KALI, CLI_V2_KALI, BOTO_SCRIPT, GO_SDK)

CLOUD_LOGS = ("T1562.008", "T1685.002")
SECURITY_TOOLS = ("T1562.001", "T1685")
CLOUD_FIREWALL = ("T1562.007", "T1686.001")


@dataclass(frozen=True, slots=True)
class Scenario:
    """A named attack scenario.

    Attributes:
        name: its name (snake_case).
        techniques: MITRE ATT&CK technique ids.
        tactic: the main ATT&CK tactic.
        description: what the attacker does, and the records that show it.
        run: writes the scenario's records, starting at an epoch second.
    """

    name: str
    techniques: tuple[str, ...]
    tactic: str
    description: str
    run: Callable[[Attack, int], None]


SCENARIOS: dict[str, Scenario] = {}


def scenario(
    name: str, techniques: Sequence[str], tactic: str, description: str
) -> Callable[[Callable[[Attack, int], None]], Callable[[Attack, int], None]]:
    """Register a scenario function under ``name``."""

    def register(run: Callable[[Attack, int], None]) -> Callable[[Attack, int], None]:
        SCENARIOS[name] = Scenario(name, tuple(techniques), tactic, description, run)
        return run

    return register


class Attack:
    """One scenario's run: its own random stream, its attacker, and labelled records."""

    def __init__(self, ctx: Ctx, spec: Scenario) -> None:
        self.ctx = ctx
        self.spec = spec
        self.rng = ctx.rng
        self.apis: Apis = ctx.apis
        self.world: World = ctx.world
        self.company = ctx.company
        self.account = ctx.account
        self.ip = self.rng.choice(ATTACKER_IPS)
        self.tool = self.rng.choice(ATTACKER_TOOLS)
        self.phase = spec.tactic
        self.count = 0

    # --- records ---------------------------------------------------------------------------------

    def call(
        self,
        second: int,
        actor: Actor,
        call: Call,
        region: str = HOME,
        *,
        key: bool = True,
        phase: str | None = None,
        error: Error | None = None,
        **overrides: Any,
    ) -> Json:
        """Record one labelled call of the scenario."""
        record = self.ctx.recorder.record(second, actor, call, region, error=error, **overrides)
        label = EventLabel(record["eventID"], self.spec.name, self.spec.techniques, phase or self.phase, key)
        self.ctx.emit(second, record, label)
        self.count += 1
        return record

    def deny(self, second: int, actor: Actor, call: Call, region: str = HOME, **kw: Any) -> Json:
        """Record a labelled call failing with the service's authorization error."""
        return self.call(second, actor, call, region, error=self.ctx.recorder.denied(actor, call, region), **kw)

    def read(self, service: str, name: str, request: Json | None = None) -> Call:
        """A read call (see :meth:`.apis.Apis.read`)."""
        return self.apis.read(service, name, request)

    # --- attackers -------------------------------------------------------------------------------

    def leaked_key(self, user: str, *, ip: str | None = None, agent: str | None = None) -> Actor:
        """An engineer's long-term access key used by the attacker."""
        engineer = self.company.engineer(user)
        identity = iam_user(self.account, user, engineer.access_key())
        agent = agent or self.tool
        return Actor(
            f"{user}@attacker", identity, ip or self.ip, agent, identity["arn"], cli=agent.startswith("aws-cli/2")
        )

    def stolen_sso(self, user: str, second: int, *, agent: str | None = None) -> Actor:
        """An engineer's IAM Identity Center session (the same temporary key) replayed by the attacker."""
        engineer: Engineer = self.company.engineer(user)
        key = engineer_session_key(user, second, console=False)
        actor = self.company.engineer_actor(
            engineer,
            ip=self.ip,
            console=False,
            session_key=key,
            created=self.ctx.clock.iso(second - second % (8 * HOUR)),
        )
        agent = agent or self.tool
        return actor.moved(self.ip, agent)

    def new_user(self, user: str, key: str, *, agent: str | None = None) -> Actor:
        """A user the attacker created, with the key it made for it."""
        identity = iam_user(self.account, user, key)
        return Actor(user, identity, self.ip, agent or self.tool, identity["arn"])

    def root_actor(self, second: int, *, console: bool, key: str | None = None) -> Actor:
        """The root user, in the console or with an access key."""
        if console:
            identity = root(
                self.account, stable_key_id("ASIA", "root-console", second), session_created=self.ctx.clock.iso(second)
            )
            return Actor("root", identity, self.ip, ATTACKER_BROWSER, identity["arn"], console=True)
        identity = root(self.account, key or stable_key_id("AKIA", "root-key"))
        return Actor("root", identity, self.ip, self.tool, identity["arn"])

    def external_role_session(self, role: str, session: str, key: str, second: int) -> Actor:
        """A session of one of the account's roles, assumed from the attacker's account."""
        identity = assumed_role(self.account, role, "/", session, key, self.ctx.clock.iso(second))
        return Actor(f"{role}/{session}", identity, self.ip, self.tool, identity["arn"])

    def external_assume(self, second: int, role: str, session: str) -> tuple[str, Json]:
        """The cross-account AssumeRole as the target account records it (``AWSAccount`` caller)."""
        key = stable_key_id("ASIA", "external", role, session, second)
        caller = Actor(
            "attacker-account",
            aws_account(ATTACKER_ACCOUNT, unique_id("AIDA", "attacker", "operator")),
            self.ip,
            self.tool,
            f"arn:aws:iam::{ATTACKER_ACCOUNT}:user/operator",
        )
        record = self.call(
            second,
            caller,
            self.apis.assume_role(second, f"arn:aws:iam::{self.account}:role/{role}", session, key=key),
            HOME,
            phase="persistence",
            shared_event_id=self.ctx.tokens.uuid(),
        )
        return key, record

    def after(self, second: int, low: int, high: int) -> int:
        """A later second, ``low`` to ``high`` seconds on."""
        return second + self.rng.randrange(low, high + 1)


# --- initial access --------------------------------------------------------------------------------


def _console_reads(a: Attack, t: int, actor: Actor, *, key: bool) -> int:
    for call in (
        a.apis.iam_read("GetAccountSummary"),
        a.apis.iam_read("ListUsers"),
        a.apis.list_buckets(),
        a.read("ec2", "DescribeRegions"),
        a.read("secretsmanager", "ListSecrets"),
    ):
        t = a.after(t, 2, 25)
        a.call(t, actor, call, HOME, key=key, phase="discovery", user_agent=ATTACKER_BROWSER)
    return t


@scenario(
    "root_console_login",
    ("T1078.004",),
    "initial-access",
    "The root user signs in to the console from an unknown address without MFA (signin ConsoleLogin, "
    "userIdentity.type Root, MFAUsed No), looks around and creates a root access key (iam CreateAccessKey "
    "without userName).",
)
def root_console_login(a: Attack, t: int) -> None:
    """Root console sign-in, discovery, a root access key."""
    actor = a.root_actor(t, console=True)
    a.call(t, actor.signing_in(), a.apis.console_login(success=True, mfa=False, region=HOME), HOME)
    t = _console_reads(a, t, actor, key=True)
    t = a.after(t, 30, 120)
    key = stable_key_id("AKIA", "root-key", a.ctx.seed)
    call = Call(
        SERVICES["iam"],
        "CreateAccessKey",
        False,
        None,
        {"accessKey": {"accessKeyId": key, "status": "Active", "createDate": _iam_date(t)}},
    )
    a.call(t, actor, call, HOME, phase="persistence", user_agent=ATTACKER_BROWSER)


@scenario(
    "root_access_key_usage",
    ("T1078.004",),
    "initial-access",
    "The root user's access key calls the API from a VPS (userIdentity.type Root with an AKIA key): "
    "GetCallerIdentity, ListBuckets, DescribeInstances, ListUsers.",
)
def root_access_key_usage(a: Attack, t: int) -> None:
    """Root's long-term key used with the CLI."""
    actor = a.root_actor(t, console=False)
    for call, region in (
        (a.read("sts", "GetCallerIdentity"), HOME),
        (a.apis.list_buckets(), HOME),
        (a.read("ec2", "DescribeInstances"), HOME),
        (a.read("ec2", "DescribeInstances"), EU),
        (a.apis.iam_read("ListUsers"), HOME),
    ):
        t = a.after(t, 1, 20)
        a.call(t, actor, call, region)


@scenario(
    "console_login_without_mfa",
    ("T1078.004",),
    "initial-access",
    "bob (an IAM user with a password and no MFA) signs in to the console from a new country and browser "
    "(ConsoleLogin, userIdentity.type IAMUser, additionalEventData.MFAUsed No, recorded in us-east-1 because "
    "the attacker's browser has no account-alias cookie), then browses.",
)
def console_login_without_mfa(a: Attack, t: int) -> None:
    """A password-only console sign-in by bob from elsewhere."""
    identity = iam_user(a.account, "bob", stable_key_id("ASIA", "bob-console", t), session_created=a.ctx.clock.iso(t))
    actor = Actor("bob", identity, a.ip, ATTACKER_BROWSER, identity["arn"], console=True)
    a.call(t, actor.signing_in(), a.apis.console_login(success=True, mfa=False, region=HOME), HOME)
    _console_reads(a, t, actor, key=False)


def _failed_identity(account: str, user: str | None) -> Json:
    if user is None:
        return {
            "type": "IAMUser",
            "accountId": account,
            "accessKeyId": "",
            "userName": "HIDDEN_DUE_TO_SECURITY_REASONS",
        }
    return {
        "type": "IAMUser",
        "principalId": unique_id("AIDA", "user", user),
        "accountId": account,
        "accessKeyId": "",
        "userName": user,
    }


@scenario(
    "console_password_spray",
    ("T1110.003",),
    "credential-access",
    "One address tries passwords for many users within minutes: ConsoleLogin with responseElements."
    "ConsoleLogin Failure and errorMessage 'Failed authentication' (unknown users appear as "
    "HIDDEN_DUE_TO_SECURITY_REASONS).",
)
def console_password_spray(a: Attack, t: int) -> None:
    """Failed console sign-ins across users from one address."""
    users: list[str | None] = ["alice", "bob", "carol", "erin", "frank", "ci-deploy", None, None, "admin", None]
    for _round in range(2):
        for user in users:
            known = user if user in a.world.users else None
            identity = _failed_identity(a.account, known)
            actor = Actor("spray", identity, a.ip, ATTACKER_BROWSER, f"arn:aws:iam::{a.account}:user/{user}")
            t = a.after(t, 3, 40)
            call = a.apis.console_login(success=False, mfa=False, region=HOME)
            a.call(t, actor, call, HOME, error=("", "Failed authentication"))


# --- defense evasion -------------------------------------------------------------------------------


def _trail_arn(a: Attack, name: str) -> str:
    return f"arn:aws:cloudtrail:{a.world.trails[name]}:{a.account}:trail/{name}"


@scenario(
    "cloudtrail_stop_logging",
    CLOUD_LOGS,
    "defense-evasion",
    "carol's leaked admin key stops the organization trail: cloudtrail DescribeTrails, GetTrailStatus, then "
    "StopLogging (requestParameters.name = the trail ARN).",
)
def cloudtrail_stop_logging(a: Attack, t: int) -> None:
    """StopLogging on the main trail."""
    actor = a.leaked_key("carol")
    a.call(t, actor, a.read("cloudtrail", "DescribeTrails"), HOME, key=False, phase="discovery")
    t = a.after(t, 2, 30)
    a.call(
        t,
        actor,
        a.read("cloudtrail", "GetTrailStatus", {"name": _trail_arn(a, "acme-org-trail")}),
        HOME,
        key=False,
        phase="discovery",
    )
    t = a.after(t, 5, 60)
    a.call(
        t, actor, Call(SERVICES["cloudtrail"], "StopLogging", False, {"name": _trail_arn(a, "acme-org-trail")}), HOME
    )


@scenario(
    "cloudtrail_delete_trail",
    CLOUD_LOGS,
    "defense-evasion",
    "The EU trail is deleted: cloudtrail DeleteTrail (requestParameters.name acme-eu-audit) in eu-west-1.",
)
def cloudtrail_delete_trail(a: Attack, t: int) -> None:
    """DeleteTrail."""
    actor = a.stolen_sso("dan", t)
    a.call(t, actor, a.read("cloudtrail", "DescribeTrails"), EU, key=False, phase="discovery")
    t = a.after(t, 10, 90)
    a.call(t, actor, Call(SERVICES["cloudtrail"], "DeleteTrail", False, {"name": "acme-eu-audit"}), EU)


@scenario(
    "cloudtrail_event_selectors_weakened",
    CLOUD_LOGS,
    "defense-evasion",
    "The organization trail stops recording management events: cloudtrail PutEventSelectors with "
    "eventSelectors[].includeManagementEvents false and readWriteType ReadOnly (benign Terraform changes "
    "keep includeManagementEvents true and readWriteType All).",
)
def cloudtrail_event_selectors_weakened(a: Attack, t: int) -> None:
    """PutEventSelectors that drops management events."""
    actor = a.leaked_key("carol")
    a.call(
        t,
        actor,
        a.read("cloudtrail", "GetEventSelectors", {"trailName": "acme-org-trail"}),
        HOME,
        key=False,
        phase="discovery",
    )
    t = a.after(t, 10, 60)
    a.call(
        t,
        actor,
        a.apis.put_event_selectors("acme-org-trail", HOME, management=False, read_write="ReadOnly", data=False),
        HOME,
    )


@scenario(
    "cloudtrail_trail_redirected",
    CLOUD_LOGS,
    "defense-evasion",
    "The organization trail is pointed at a bucket outside the company's control: cloudtrail UpdateTrail "
    "with requestParameters.s3BucketName changed.",
)
def cloudtrail_trail_redirected(a: Attack, t: int) -> None:
    """UpdateTrail to another bucket."""
    actor = a.leaked_key("carol")
    a.call(
        t,
        actor,
        a.apis.update_trail("acme-org-trail", HOME, f"aws-logs-archive-{stable('bucket', a.ctx.seed, length=6)}"),
        HOME,
    )


@scenario(
    "cloudtrail_bucket_lifecycle",
    CLOUD_LOGS,
    "defense-evasion",
    "A one-day expiration lifecycle rule on the trail's bucket: s3 PutBucketLifecycle on acme-access-logs with "
    "requestParameters.LifecycleConfiguration.Rule.Expiration.Days = 1 (Terraform's benign rule uses 400 days).",
)
def cloudtrail_bucket_lifecycle(a: Attack, t: int) -> None:
    """PutBucketLifecycle expiring the trail's logs after a day."""
    actor = a.stolen_sso("dan", t)
    bucket = a.world.buckets[a.world.trail_bucket]
    a.call(
        t, actor, a.apis.s3_bucket_read(bucket, "GetBucketLifecycle", "lifecycle"), HOME, key=False, phase="discovery"
    )
    t = a.after(t, 5, 40)
    a.call(t, actor, a.apis.put_bucket_lifecycle(bucket, "cleanup", 1, None), HOME)


@scenario(
    "guardduty_detector_deleted",
    SECURITY_TOOLS,
    "defense-evasion",
    "GuardDuty is removed in both regions: guardduty ListDetectors, then DeleteDetector "
    "(requestParameters.detectorId).",
)
def guardduty_detector_deleted(a: Attack, t: int) -> None:
    """DeleteDetector in each region."""
    actor = a.leaked_key("carol")
    for region in (HOME, EU):
        a.call(t, actor, a.read("guardduty", "ListDetectors"), region, key=False, phase="discovery")
        t = a.after(t, 3, 30)
        a.call(
            t,
            actor,
            Call(SERVICES["guardduty"], "DeleteDetector", False, {"detectorId": a.world.detector_ids[region]}),
            region,
        )
        t = a.after(t, 10, 60)


@scenario(
    "guardduty_impaired",
    SECURITY_TOOLS,
    "defense-evasion",
    "GuardDuty is blinded without deleting it: UpdateDetector with requestParameters.enable false, CreateIPSet "
    "trusting the attacker's addresses (activate true) and CreateFilter with action ARCHIVE (benign Terraform "
    "only sets findingPublishingFrequency with enable true).",
)
def guardduty_impaired(a: Attack, t: int) -> None:
    """UpdateDetector enable=false, a trusted IP set, an auto-archive filter."""
    actor = a.stolen_sso("dan", t)
    detector = a.world.detector_ids[HOME]
    a.call(t, actor, a.read("guardduty", "GetDetector", {"detectorId": detector}), HOME, key=False, phase="discovery")
    t = a.after(t, 5, 40)
    a.call(
        t,
        actor,
        Call(
            SERVICES["guardduty"],
            "CreateIPSet",
            False,
            {
                "detectorId": detector,
                "name": "corp-vpn",
                "format": "TXT",
                "location": f"https://s3.amazonaws.com/ops-lists-{stable('ipset', a.ctx.seed, length=6)}/vpn.txt",
                "activate": True,
            },
            {"ipSetId": stable("ipset-id", a.ctx.seed, length=32)},
        ),
    )
    t = a.after(t, 5, 40)
    a.call(
        t,
        actor,
        Call(
            SERVICES["guardduty"],
            "CreateFilter",
            False,
            {
                "detectorId": detector,
                "name": "suppress-noise",
                "action": "ARCHIVE",
                "rank": 1,
                "findingCriteria": {"criterion": {"severity": {"gte": 0}}},
            },
            {"name": "suppress-noise"},
        ),
    )
    t = a.after(t, 5, 40)
    a.call(t, actor, a.apis.guardduty_update_detector(detector, enable=False, frequency=None))


@scenario(
    "config_recorder_stopped",
    CLOUD_LOGS,
    "defense-evasion",
    "AWS Config stops recording: config StopConfigurationRecorder, DeleteDeliveryChannel and "
    "DeleteConfigurationRecorder (requestParameters name 'default').",
)
def config_recorder_stopped(a: Attack, t: int) -> None:
    """Config recorder stopped and deleted."""
    actor = a.leaked_key("carol")
    a.call(t, actor, a.read("config", "DescribeConfigurationRecorders"), HOME, key=False, phase="discovery")
    for name, field in (
        ("StopConfigurationRecorder", "configurationRecorderName"),
        ("DeleteDeliveryChannel", "deliveryChannelName"),
        ("DeleteConfigurationRecorder", "configurationRecorderName"),
    ):
        t = a.after(t, 3, 40)
        a.call(t, actor, a.apis.config_write(name, field, "default"), HOME)


@scenario(
    "vpc_flow_logs_deleted",
    CLOUD_LOGS,
    "defense-evasion",
    "The production VPC's flow log is removed: ec2 DescribeFlowLogs, then DeleteFlowLogs "
    "(requestParameters.DeleteFlowLogsRequest.FlowLogId.content), with no DeleteVpc after it.",
)
def vpc_flow_logs_deleted(a: Attack, t: int) -> None:
    """DeleteFlowLogs."""
    actor = a.stolen_sso("dan", t)
    a.call(t, actor, a.read("ec2", "DescribeFlowLogs"), HOME, key=False, phase="discovery")
    t = a.after(t, 5, 60)
    a.call(t, actor, a.apis.delete_flow_logs(a.world.flow_log_id), HOME)


@scenario(
    "route53_query_logs_deleted",
    CLOUD_LOGS,
    "defense-evasion",
    "DNS query logging is removed: route53resolver ListResolverQueryLogConfigs, "
    "DisassociateResolverQueryLogConfig, DeleteResolverQueryLogConfig.",
)
def route53_query_logs_deleted(a: Attack, t: int) -> None:
    """Resolver query logging disassociated and deleted."""
    actor = a.leaked_key("carol")
    config_id = a.world.query_log_config
    a.call(t, actor, a.read("route53resolver", "ListResolverQueryLogConfigs"), HOME, key=False, phase="discovery")
    t = a.after(t, 5, 30)
    association = {
        "id": "rqlca-" + stable("rqlca", a.ctx.seed, length=17),
        "resolverQueryLogConfigId": config_id,
        "resourceId": a.world.vpcs[HOME],
        "status": "DELETING",
    }
    a.call(
        t,
        actor,
        Call(
            SERVICES["route53resolver"],
            "DisassociateResolverQueryLogConfig",
            False,
            {"resolverQueryLogConfigId": config_id, "resourceId": a.world.vpcs[HOME]},
            {"resolverQueryLogConfigAssociation": association},
        ),
    )
    t = a.after(t, 20, 90)
    a.call(
        t,
        actor,
        Call(
            SERVICES["route53resolver"],
            "DeleteResolverQueryLogConfig",
            False,
            {"resolverQueryLogConfigId": config_id},
            {
                "resolverQueryLogConfig": {
                    "id": config_id,
                    "ownerId": a.account,
                    "status": "DELETING",
                    "shareStatus": "NOT_SHARED",
                    "associationCount": 0,
                    "arn": f"arn:aws:route53resolver:{HOME}:{a.account}:resolver-query-log-config/{config_id}",
                    "name": "acme-prod-dns-logs",
                    "destinationArn": "arn:aws:s3:::acme-access-logs",
                }
            },
        ),
    )


@scenario(
    "organizations_leave",
    ("T1666",),
    "defense-evasion",
    "An attempt to take the account out of its organization: organizations DescribeOrganization, then "
    "LeaveOrganization denied by a service control policy (errorCode AccessDenied).",
)
def organizations_leave(a: Attack, t: int) -> None:
    """LeaveOrganization (denied by an SCP)."""
    actor = a.leaked_key("carol")
    a.call(t, actor, a.read("organizations", "DescribeOrganization"), HOME, key=False, phase="discovery")
    t = a.after(t, 5, 40)
    call = Call(SERVICES["organizations"], "LeaveOrganization", False, None)
    message = (
        f"User: {actor.arn} is not authorized to perform: organizations:LeaveOrganization on resource: * "
        "with an explicit deny in a service control policy"
    )
    a.call(t, actor, call, HOME, error=("AccessDenied", message))


# --- persistence, privilege escalation -------------------------------------------------------------


def _iam_date(second: int) -> str:
    from cloudward.lab.events.apis import java_date

    return java_date(second)


@scenario(
    "iam_access_key_for_other_user",
    ("T1098.001",),
    "persistence",
    "A stolen admin SSO session creates an access key for another user (iam CreateAccessKey with "
    "requestParameters.userName = frank, the caller being dan's AssumedRole session), and the new key is "
    "used from the attacker's address.",
)
def iam_access_key_for_other_user(a: Attack, t: int) -> None:
    """CreateAccessKey for frank, then the key is used."""
    actor = a.stolen_sso("dan", t)
    a.call(t, actor, a.apis.iam_read("ListUsers"), HOME, key=False, phase="discovery")
    t = a.after(t, 3, 30)
    a.call(t, actor, a.apis.iam_read("ListAccessKeys", userName="frank"), HOME, key=False, phase="discovery")
    t = a.after(t, 3, 30)
    key = stable_key_id("AKIA", "attacker-key", "frank", a.ctx.seed)
    a.call(t, actor, a.apis.create_access_key(t, "frank", key), HOME)
    user = a.new_user("frank", key)
    t = a.after(t, 60, 600)
    a.call(t, user, a.read("sts", "GetCallerIdentity"), HOME, key=False)
    a.call(a.after(t, 2, 10), user, a.apis.list_buckets(), HOME, key=False, phase="discovery")


@scenario(
    "iam_login_profile_created",
    ("T1098.001",),
    "persistence",
    "A console password is added to ci-deploy, a user that never had one (iam CreateLoginProfile with "
    "requestParameters.userName = ci-deploy), and the attacker signs in as ci-deploy without MFA.",
)
def iam_login_profile_created(a: Attack, t: int) -> None:
    """CreateLoginProfile for a programmatic user, then a console sign-in."""
    actor = a.leaked_key("carol")
    a.call(
        t,
        actor,
        a.apis.iam_read("GetLoginProfile", userName="ci-deploy"),
        HOME,
        key=False,
        phase="discovery",
        error=("NoSuchEntity", "Login Profile for User ci-deploy cannot be found."),
    )
    t = a.after(t, 5, 30)
    a.call(t, actor, a.apis.create_login_profile(t, "ci-deploy", reset=False), HOME)
    t = a.after(t, 60, 400)
    identity = iam_user(
        a.account, "ci-deploy", stable_key_id("ASIA", "ci-console", t), session_created=a.ctx.clock.iso(t)
    )
    console = Actor("ci-deploy", identity, a.ip, ATTACKER_BROWSER, identity["arn"], console=True)
    a.call(
        t,
        console.signing_in(),
        a.apis.console_login(success=True, mfa=False, region=HOME),
        HOME,
        phase="initial-access",
    )


@scenario(
    "iam_login_profile_updated",
    ("T1098.001",),
    "privilege-escalation",
    "Another user's console password is reset (iam UpdateLoginProfile, requestParameters.userName = bob, the "
    "caller carol's leaked key) and the attacker signs in as bob without MFA.",
)
def iam_login_profile_updated(a: Attack, t: int) -> None:
    """UpdateLoginProfile for bob, then a console sign-in."""
    actor = a.leaked_key("carol")
    a.call(t, actor, a.apis.update_login_profile("bob", reset=False), HOME)
    t = a.after(t, 60, 300)
    identity = iam_user(a.account, "bob", stable_key_id("ASIA", "bob-reset", t), session_created=a.ctx.clock.iso(t))
    console = Actor("bob", identity, a.ip, ATTACKER_BROWSER, identity["arn"], console=True)
    a.call(
        t,
        console.signing_in(),
        a.apis.console_login(success=True, mfa=False, region=HOME),
        HOME,
        phase="initial-access",
    )


@scenario(
    "iam_admin_policy_attached",
    ("T1098.003",),
    "privilege-escalation",
    "AdministratorAccess is attached to bob and to the instance role acme-ec2-app (iam AttachUserPolicy / "
    "AttachRolePolicy with requestParameters.policyArn arn:aws:iam::aws:policy/AdministratorAccess).",
)
def iam_admin_policy_attached(a: Attack, t: int) -> None:
    """AttachUserPolicy/AttachRolePolicy with AdministratorAccess."""
    actor = a.stolen_sso("dan", t)
    a.call(t, actor, a.apis.attach_policy("User", "bob", ADMIN_POLICY), HOME)
    t = a.after(t, 20, 200)
    a.call(t, actor, a.apis.attach_policy("Role", "acme-ec2-app", ADMIN_POLICY), HOME)


ALLOW_ALL = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]


@scenario(
    "iam_inline_admin_policy",
    ("T1098.003",),
    "privilege-escalation",
    "Inline policies allowing every action on every resource: iam PutUserPolicy (frank) and PutRolePolicy "
    "(acme-lambda-exec) whose requestParameters.policyDocument has Action '*' and Resource '*'.",
)
def iam_inline_admin_policy(a: Attack, t: int) -> None:
    """PutUserPolicy/PutRolePolicy with '*:*'."""
    actor = a.leaked_key("carol")
    a.call(t, actor, a.apis.put_inline_policy("User", "frank", "backup-access", ALLOW_ALL), HOME)
    t = a.after(t, 30, 300)
    a.call(t, actor, a.apis.put_inline_policy("Role", "acme-lambda-exec", "maintenance", ALLOW_ALL), HOME)


@scenario(
    "iam_backdoor_user_created",
    ("T1136.003", "T1098.001"),
    "persistence",
    "A new administrator: iam CreateUser (svc-backup-sync), AttachUserPolicy AdministratorAccess, "
    "CreateAccessKey and CreateLoginProfile for it, then the new key calls GetCallerIdentity.",
)
def iam_backdoor_user_created(a: Attack, t: int) -> None:
    """CreateUser + AttachUserPolicy(Admin) + CreateAccessKey + CreateLoginProfile."""
    actor = a.stolen_sso("dan", t)
    user = "svc-backup-sync"
    a.call(t, actor, a.apis.create_user(t, user), HOME)
    t = a.after(t, 2, 10)
    a.call(t, actor, a.apis.attach_policy("User", user, ADMIN_POLICY), HOME, phase="privilege-escalation")
    t = a.after(t, 2, 10)
    key = stable_key_id("AKIA", "backdoor", user, a.ctx.seed)
    a.call(t, actor, a.apis.create_access_key(t, user, key), HOME)
    t = a.after(t, 2, 10)
    a.call(t, actor, a.apis.create_login_profile(t, user, reset=False), HOME)
    t = a.after(t, 120, 900)
    a.call(t, a.new_user(user, key), a.read("sts", "GetCallerIdentity"), HOME, key=False)


@scenario(
    "iam_role_trust_backdoored",
    ("T1098.003",),
    "persistence",
    "The trust policy of acme-ec2-app is rewritten to also trust an unknown account (iam UpdateAssumeRolePolicy "
    "whose policyDocument names arn:aws:iam::739562084613:root), and that account assumes the role "
    "(sts AssumeRole with userIdentity.type AWSAccount and a sharedEventID).",
)
def iam_role_trust_backdoored(a: Attack, t: int) -> None:
    """UpdateAssumeRolePolicy trusting the attacker's account, then a cross-account AssumeRole."""
    actor = a.leaked_key("carol")
    a.call(t, actor, a.apis.iam_read("GetRole", roleName="acme-ec2-app"), HOME, key=False, phase="discovery")
    trust = _policy_two_principals({"Service": "ec2.amazonaws.com"}, {"AWS": f"arn:aws:iam::{ATTACKER_ACCOUNT}:root"})
    t = a.after(t, 10, 60)
    a.call(t, actor, a.apis.update_assume_role_policy("acme-ec2-app", trust), HOME)
    t = a.after(t, 600, 3600)
    key, _record = a.external_assume(t, "acme-ec2-app", "maint")
    session = a.external_role_session("acme-ec2-app", "maint", key, t)
    a.call(a.after(t, 3, 20), session, a.apis.list_buckets(), HOME, key=False, phase="discovery")


def _policy_two_principals(first: dict[str, str], second: dict[str, str]) -> str:
    from cloudward.lab.events.apis import policy_text

    return policy_text(
        [
            {"Effect": "Allow", "Principal": first, "Action": "sts:AssumeRole"},
            {"Effect": "Allow", "Principal": second, "Action": "sts:AssumeRole"},
        ]
    )


@scenario(
    "iam_role_external_trust_created",
    ("T1098.003",),
    "persistence",
    "A new role trusting an unknown account with AdministratorAccess: iam CreateRole (assumeRolePolicyDocument "
    "principal arn:aws:iam::739562084613:root), AttachRolePolicy AdministratorAccess, then the cross-account "
    "AssumeRole.",
)
def iam_role_external_trust_created(a: Attack, t: int) -> None:
    """CreateRole trusting the attacker's account + AttachRolePolicy(Admin)."""
    actor = a.stolen_sso("dan", t)
    role = "acme-support-ops"
    trust = trust_text({"AWS": f"arn:aws:iam::{ATTACKER_ACCOUNT}:root"})
    a.call(t, actor, a.apis.create_role(t, role, trust), HOME)
    t = a.after(t, 2, 15)
    a.call(t, actor, a.apis.attach_policy("Role", role, ADMIN_POLICY), HOME, phase="privilege-escalation")
    t = a.after(t, 300, 1800)
    key, _record = a.external_assume(t, role, "ops")
    a.call(
        a.after(t, 3, 20),
        a.external_role_session(role, "ops", key, t),
        a.read("sts", "GetCallerIdentity"),
        HOME,
        key=False,
    )


@scenario(
    "sts_federation_token_persistence",
    ("T1098.001", "T1550.001"),
    "persistence",
    "A leaked key mints federation credentials that outlive its revocation: sts GetFederationToken (session "
    "policy allowing '*'), then calls as userIdentity.type FederatedUser.",
)
def sts_federation_token_persistence(a: Attack, t: int) -> None:
    """GetFederationToken, then the federated user at work."""
    actor = a.leaked_key("carol")
    key = stable_key_id("ASIA", "federation", a.ctx.seed)
    a.call(t, actor, a.apis.get_federation_token(t, "carol", key), HOME)
    identity = federated_user(a.account, "carol", "carol", key, a.ctx.clock.iso(t))
    federated = Actor("federated/carol", identity, a.ip, a.tool, identity["arn"])
    for call in (
        a.read("sts", "GetCallerIdentity"),
        a.apis.iam_read("ListUsers"),
        a.apis.list_buckets(),
        a.read("ec2", "DescribeInstances"),
    ):
        t = a.after(t, 20, 300)
        a.call(t, federated, call, HOME, key=False, phase="discovery")


@scenario(
    "lambda_function_backdoor_public",
    ("T1546", "T1098"),
    "persistence",
    "acme-internal-api is opened to anyone: lambda AddPermission20150331v2 with requestParameters.principal '*' "
    "(action lambda:InvokeFunction), CreateFunctionUrlConfig20211031 with authType NONE and the matching "
    "AddPermission for lambda:InvokeFunctionUrl (benign grants name events.amazonaws.com with a sourceArn).",
)
def lambda_function_backdoor_public(a: Attack, t: int) -> None:
    """AddPermission principal '*' and a public function URL."""
    actor = a.stolen_sso("dan", t)
    fn = "acme-internal-api"
    a.call(
        t,
        actor,
        a.apis.lambda_read("GetPolicy20150331v2", fn),
        HOME,
        key=False,
        phase="discovery",
        error=("ResourceNotFoundException", "The resource you requested does not exist."),
    )
    t = a.after(t, 5, 40)
    a.call(t, actor, a.apis.add_permission(fn, HOME, statement_id="public-access", principal="*"), HOME)
    t = a.after(t, 5, 40)
    a.call(t, actor, a.apis.create_function_url(t, fn, HOME), HOME)
    t = a.after(t, 2, 10)
    a.call(
        t,
        actor,
        a.apis.add_permission(
            fn,
            HOME,
            statement_id="FunctionURLAllowPublicAccess",
            principal="*",
            action="lambda:InvokeFunctionUrl",
            url_auth="NONE",
        ),
        HOME,
    )


@scenario(
    "lambda_layer_extension",
    ("T1546",),
    "persistence",
    "A layer from the attacker's account is added to acme-internal-api: lambda "
    "UpdateFunctionConfiguration20150331v2 with requestParameters.layers naming "
    "arn:aws:lambda:us-east-1:739562084613:layer:... (benign: AWS's Lambda Insights layer, account 580247275435).",
)
def lambda_layer_extension(a: Attack, t: int) -> None:
    """UpdateFunctionConfiguration adding a foreign layer (a Lambda extension)."""
    actor = a.leaked_key("carol")
    fn = "acme-internal-api"
    a.call(t, actor, a.apis.lambda_read("GetFunctionConfiguration20150331v2", fn), HOME, key=False, phase="discovery")
    t = a.after(t, 10, 60)
    layer = f"arn:aws:lambda:{HOME}:{ATTACKER_ACCOUNT}:layer:telemetry-agent:7"
    a.call(t, actor, a.apis.update_function_configuration(t, fn, HOME, layers=[layer]), HOME)


@scenario(
    "lambda_code_overwritten",
    ("T1648", "T1546"),
    "persistence",
    "acme-public-webhook's code is replaced by an uploaded zip: lambda UpdateFunctionCode20150331v2 without "
    "s3Bucket/s3Key in requestParameters (CI deploys from the acme-artifacts bucket), from an unknown address.",
)
def lambda_code_overwritten(a: Attack, t: int) -> None:
    """UpdateFunctionCode with a zip upload."""
    actor = a.stolen_sso("dan", t)
    fn = "acme-public-webhook"
    a.call(t, actor, a.apis.lambda_read("GetFunction20150331v2", fn), HOME, key=False, phase="discovery")
    t = a.after(t, 20, 120)
    a.call(t, actor, a.apis.update_function_code(t, fn, HOME, s3_key=None, publish=True), HOME)


ATTACKER_CA = (
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBfzCCASWgAwIBAgIUU2VsZlNpZ25lZExhYkNBMDAwMDAwMDAwCgYIKoZIzj0EAwIwFTETMBEGA1UEAwwKb3BzLXJvb3Qt\n"
    "Y2EwHhcNMjYwOTAxMDAwMDAwWhcNMzYwOTAxMDAwMDAwWjAVMRMwEQYDVQQDDApvcHMtcm9vdC1jYTBZMBMGByqGSM49AgEG\n"
    "-----END CERTIFICATE-----"
)


@scenario(
    "roles_anywhere_trust_anchor",
    ("T1098.001", "T1556"),
    "persistence",
    "IAM Roles Anywhere is set up to trust the attacker's certificate authority: iam CreateRole trusting "
    "rolesanywhere.amazonaws.com with AdministratorAccess, rolesanywhere CreateTrustAnchor "
    "(source.sourceType CERTIFICATE_BUNDLE) and CreateProfile naming the role.",
)
def roles_anywhere_trust_anchor(a: Attack, t: int) -> None:
    """A Roles Anywhere trust anchor and profile for an admin role."""
    actor = a.leaked_key("carol")
    role = "ra-automation"
    trust = policy_trust_rolesanywhere()
    a.call(t, actor, a.apis.create_role(t, role, trust), HOME)
    t = a.after(t, 2, 10)
    a.call(t, actor, a.apis.attach_policy("Role", role, ADMIN_POLICY), HOME, phase="privilege-escalation")
    t = a.after(t, 10, 60)
    anchor_id = stable_uuid_like(a, "anchor")
    a.call(
        t,
        actor,
        Call(
            SERVICES["rolesanywhere"],
            "CreateTrustAnchor",
            False,
            {
                "enabled": True,
                "name": "ops-automation",
                "source": {"sourceData": {"x509CertificateData": ATTACKER_CA}, "sourceType": "CERTIFICATE_BUNDLE"},
            },
            {
                "trustAnchor": {
                    "enabled": True,
                    "name": "ops-automation",
                    "trustAnchorId": anchor_id,
                    "trustAnchorArn": f"arn:aws:rolesanywhere:{HOME}:{a.account}:trust-anchor/{anchor_id}",
                    "source": {"sourceData": {"x509CertificateData": ATTACKER_CA}, "sourceType": "CERTIFICATE_BUNDLE"},
                }
            },
        ),
    )
    t = a.after(t, 3, 20)
    profile_id = stable_uuid_like(a, "profile")
    a.call(
        t,
        actor,
        Call(
            SERVICES["rolesanywhere"],
            "CreateProfile",
            False,
            {
                "durationSeconds": 3600,
                "enabled": True,
                "name": "ops-automation",
                "roleArns": [f"arn:aws:iam::{a.account}:role/{role}"],
            },
            {
                "profile": {
                    "profileId": profile_id,
                    "profileArn": f"arn:aws:rolesanywhere:{HOME}:{a.account}:profile/{profile_id}",
                    "name": "ops-automation",
                    "enabled": True,
                    "createdBy": actor.arn,
                }
            },
        ),
    )


def policy_trust_rolesanywhere() -> str:
    """A trust policy letting IAM Roles Anywhere assume the role."""
    from cloudward.lab.events.apis import policy_text

    return policy_text(
        [
            {
                "Effect": "Allow",
                "Principal": {"Service": "rolesanywhere.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
            }
        ]
    )


def stable_uuid_like(a: Attack, what: str) -> str:
    """A UUID for a resource the scenario creates (stable per seed)."""
    from cloudward.lab.events.tokens import stable_uuid

    return stable_uuid(what, a.ctx.seed, a.spec.name)


# --- credential access -----------------------------------------------------------------------------


def _secret_decrypt(a: Attack, t: int, actor: Actor, secret_arn: str, region: str) -> None:
    identity = a.ctx.recorder.invoked_identity(actor, "secretsmanager.amazonaws.com")
    key_arn = a.world.kms_arn("acme-data" if region == HOME else "acme-eu-data")
    call = a.apis.kms("Decrypt", key_arn, {"SecretARN": secret_arn})
    a.call(
        t,
        actor,
        call,
        region,
        key=False,
        identity=identity,
        source_ip="secretsmanager.amazonaws.com",
        user_agent="secretsmanager.amazonaws.com",
    )


@scenario(
    "secrets_bulk_read",
    ("T1555.006",),
    "credential-access",
    "Every secret is read one by one: secretsmanager ListSecrets, then GetSecretValue for all 24 secrets of "
    "us-east-1 within minutes by one principal (benign readers each read one to three secrets).",
)
def secrets_bulk_read(a: Attack, t: int) -> None:
    """ListSecrets + GetSecretValue on every secret."""
    actor = a.stolen_sso("dan", t, agent=BOTO_SCRIPT)
    a.call(t, actor, a.read("secretsmanager", "ListSecrets"), HOME, key=False, phase="discovery")
    for secret in a.world.secrets_in(HOME):
        t = a.after(t, 0, 4)
        arn = secret.arn(a.account)
        a.call(t, actor, a.apis.get_secret_value(arn), HOME)
        _secret_decrypt(a, t, actor, arn, HOME)


@scenario(
    "secrets_batch_read",
    ("T1555.006",),
    "credential-access",
    "Secrets fetched in batches: secretsmanager BatchGetSecretValue with requestParameters.secretIdList of 10 "
    "secrets (three calls) and once with a tag filter.",
)
def secrets_batch_read(a: Attack, t: int) -> None:
    """BatchGetSecretValue over the account's secrets."""
    actor = a.leaked_key("carol")
    ids = [s.arn(a.account) for s in a.world.secrets_in(HOME)]
    a.call(t, actor, a.read("secretsmanager", "ListSecrets"), HOME, key=False, phase="discovery")
    for start in range(0, len(ids), 10):
        t = a.after(t, 1, 8)
        a.call(t, actor, a.apis.batch_get_secret_value(ids[start : start + 10]), HOME)
    t = a.after(t, 5, 30)
    a.call(t, actor, a.apis.batch_get_secret_value(None, "env"), HOME)


@scenario(
    "ssm_parameters_bulk_decrypt",
    ("T1555.006", "T1552"),
    "credential-access",
    "All SSM parameters listed and read decrypted: ssm DescribeParameters (paged), GetParameters in batches "
    "of 10 and GetParameter, all with requestParameters.withDecryption true, by one principal in minutes.",
)
def ssm_parameters_bulk_decrypt(a: Attack, t: int) -> None:
    """DescribeParameters + GetParameters(withDecryption) over every parameter."""
    actor = a.leaked_key("carol")
    names = list(a.world.parameters)
    for page in range(3):
        request: Json = {"maxResults": 10}
        if page:
            request["nextToken"] = a.ctx.tokens.text(120)
        a.call(t, actor, a.read("ssm", "DescribeParameters", request), HOME, key=False, phase="discovery")
        t = a.after(t, 0, 3)
    for start in range(0, 20, 10):
        t = a.after(t, 0, 3)
        a.call(t, actor, a.apis.get_parameters(names[start : start + 10], HOME, decrypt=True), HOME)
    for name in names[20:]:
        t = a.after(t, 0, 2)
        a.call(t, actor, a.apis.get_parameter(name, decrypt=True), HOME)


@scenario(
    "ec2_get_password_data",
    ("T1552",),
    "credential-access",
    "Windows administrator passwords requested for many instances: ec2 GetPasswordData 20 times in a few "
    "minutes, all failing with Client.UnauthorizedOperation (bob's leaked key has no EC2 rights).",
)
def ec2_get_password_data(a: Attack, t: int) -> None:
    """Many denied GetPasswordData calls."""
    actor = a.leaked_key("bob")
    ids = [i.instance_id for i in a.world.instances.values() if i.region == HOME]
    ids += ["i-" + a.ctx.tokens.hex(17) for _ in range(17)]
    for instance_id in ids:
        t = a.after(t, 1, 12)
        a.deny(t, actor, Call(SERVICES["ec2"], "GetPasswordData", True, {"instanceId": instance_id}), HOME)


@scenario(
    "ec2_instance_credentials_exfiltrated",
    ("T1552.005", "T1078.004"),
    "credential-access",
    "acme-web-1's role credentials (IMDSv1) are used outside the instance: the same AssumedRole session "
    "acme-ec2-app/i-... and accessKeyId as the instance's own calls, but from the attacker's address and "
    "user agent: GetCallerIdentity, ListBuckets, DescribeInstances, GetObject, a denied ListRoles.",
)
def ec2_instance_credentials_exfiltrated(a: Attack, t: int) -> None:
    """Instance credentials used from outside AWS."""
    inside = a.company.instance_actor("acme-web-1", t // (6 * HOUR))
    actor = inside.moved(a.ip, a.tool)
    bucket = a.world.buckets["acme-customer-data"]
    calls = [
        a.read("sts", "GetCallerIdentity"),
        a.apis.list_buckets(),
        a.read("ec2", "DescribeInstances"),
        *(a.apis.s3_object("GetObject", bucket, f"reports/2026/q{q}/summary.csv", size=48_000) for q in range(1, 5)),
    ]
    for call in calls:
        t = a.after(t, 2, 40)
        a.call(t, actor, call, HOME)
    a.deny(a.after(t, 2, 20), actor, a.apis.iam_read("ListRoles"), HOME, phase="discovery")


@scenario(
    "ec2_user_data_read",
    ("T1552.005", "T1580"),
    "discovery",
    "User data (often holding secrets) read for every instance: ec2 DescribeInstanceAttribute with "
    "requestParameters.attribute userData, by a stolen admin session from an unknown address (Terraform's "
    "GitHubActions role reads it on every plan).",
)
def ec2_user_data_read(a: Attack, t: int) -> None:
    """DescribeInstanceAttribute userData on every instance."""
    actor = a.stolen_sso("dan", t)
    a.call(t, actor, a.read("ec2", "DescribeInstances"), HOME, key=False)
    for instance in a.world.instances.values():
        t = a.after(t, 1, 6)
        a.call(
            t,
            actor,
            a.apis.describe_instance_attribute(instance.instance_id, "userData"),
            instance.region,
            phase="credential-access",
        )


@scenario(
    "ec2_user_data_modified",
    ("T1059.004",),
    "execution",
    "Code run through user data: ec2 StopInstances, ModifyInstanceAttribute with requestParameters.userData "
    "(recorded as <sensitiveDataRemoved>), StartInstances on acme-web-1 within minutes.",
)
def ec2_user_data_modified(a: Attack, t: int) -> None:
    """Stop, ModifyInstanceAttribute(userData), start."""
    actor = a.leaked_key("carol")
    instance = a.world.instances["acme-web-1"].instance_id
    a.call(t, actor, a.apis.instances_state("StopInstances", [instance], (16, "running"), (64, "stopping")), HOME)
    t = a.after(t, 60, 180)
    a.call(t, actor, a.apis.modify_instance_attribute(instance, "userData", None), HOME)
    t = a.after(t, 5, 30)
    a.call(t, actor, a.apis.instances_state("StartInstances", [instance], (80, "stopped"), (0, "pending")), HOME)


# --- execution, lateral movement -------------------------------------------------------------------


@scenario(
    "ssm_send_command_multiple",
    ("T1651",),
    "execution",
    "Shell commands pushed to every managed instance: ssm DescribeInstanceInformation, SendCommand with "
    "documentName AWS-RunShellScript and several instanceIds, GetCommandInvocation (benign: the weekly "
    "AWS-RunPatchBaseline from ssm.amazonaws.com).",
)
def ssm_send_command_multiple(a: Attack, t: int) -> None:
    """SendCommand AWS-RunShellScript to several instances."""
    actor = a.stolen_sso("dan", t)
    ids = [i.instance_id for i in a.world.instances.values() if i.region == HOME and i.role]
    a.call(t, actor, a.read("ssm", "DescribeInstanceInformation"), HOME, key=False, phase="discovery")
    t = a.after(t, 5, 30)
    call, command_id = a.apis.send_command(t, ids, "AWS-RunShellScript", HOME)
    a.call(t, actor, call, HOME)
    for instance_id in ids:
        t = a.after(t, 2, 10)
        a.call(
            t,
            actor,
            a.read("ssm", "GetCommandInvocation", {"commandId": command_id, "instanceId": instance_id}),
            HOME,
            key=False,
        )


@scenario(
    "ssm_start_session_multiple",
    ("T1651", "T1021.007"),
    "lateral-movement",
    "Interactive shells on several instances in a row: ssm StartSession (requestParameters.target) and "
    "TerminateSession, from an unknown address (engineers open one session to acme-worker-1 now and then).",
)
def ssm_start_session_multiple(a: Attack, t: int) -> None:
    """StartSession on several instances."""
    actor = a.stolen_sso("dan", t)
    a.call(t, actor, a.read("ssm", "DescribeInstanceInformation"), HOME, key=False, phase="discovery")
    for instance in [i for i in a.world.instances.values() if i.region == HOME]:
        session = f"dan@acme.example-{a.ctx.tokens.text(26).lower()}"
        t = a.after(t, 5, 40)
        a.call(t, actor, a.apis.start_session(instance.instance_id, session, HOME), HOME)
        t = a.after(t, 30, 300)
        a.call(t, actor, a.apis.terminate_session(session), HOME, key=False)


SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx7LabNotARealKeyJustTheShapeOfOne0000000000 ops@laptop"


@scenario(
    "ec2_instance_connect_ssh_key",
    ("T1098.004", "T1021.004"),
    "lateral-movement",
    "An SSH key pushed to several instances: ec2-instance-connect SendSSHPublicKey "
    "(requestParameters.instanceId, instanceOSUser, sSHPublicKey).",
)
def ec2_instance_connect_ssh_key(a: Attack, t: int) -> None:
    """SendSSHPublicKey to several instances."""
    actor = a.leaked_key("carol")
    for instance in a.world.instances.values():
        t = a.after(t, 3, 30)
        call = Call(
            SERVICES["ec2-instance-connect"],
            "SendSSHPublicKey",
            False,
            {"instanceId": instance.instance_id, "instanceOSUser": "ec2-user", "sSHPublicKey": SSH_KEY},
            {"requestId": a.ctx.tokens.uuid(), "success": True},
        )
        a.call(t, actor, call, instance.region)


@scenario(
    "ec2_serial_console_ssh_key",
    ("T1098.004", "T1021.004"),
    "lateral-movement",
    "The EC2 serial console is enabled for the account and an SSH key pushed to it: ec2 "
    "EnableSerialConsoleAccess, ec2-instance-connect SendSerialConsoleSSHPublicKey.",
)
def ec2_serial_console_ssh_key(a: Attack, t: int) -> None:
    """EnableSerialConsoleAccess + SendSerialConsoleSSHPublicKey."""
    actor = a.stolen_sso("dan", t)
    a.call(t, actor, a.apis.enable_serial_console(), HOME)
    t = a.after(t, 10, 60)
    call = Call(
        SERVICES["ec2-instance-connect"],
        "SendSerialConsoleSSHPublicKey",
        False,
        {
            "instanceId": a.world.instances["acme-worker-1"].instance_id,
            "serialPort": 0,
            "monitorMode": False,
            "sSHPublicKey": SSH_KEY,
        },
        {"requestId": a.ctx.tokens.uuid(), "success": True},
    )
    a.call(t, actor, call, HOME)


# --- exfiltration ----------------------------------------------------------------------------------


@scenario(
    "ebs_snapshot_shared",
    ("T1537",),
    "exfiltration",
    "The data volume is snapshotted and the snapshot shared with an unknown account: ec2 CreateSnapshot, then "
    "ModifySnapshotAttribute with createVolumePermission.add.items[].userId 739562084613 (the backup vendor's "
    "nightly share names 444455556666).",
)
def ebs_snapshot_shared(a: Attack, t: int) -> None:
    """CreateSnapshot + ModifySnapshotAttribute to an external account."""
    actor = a.leaked_key("carol")
    a.call(t, actor, a.read("ec2", "DescribeVolumes"), HOME, key=False, phase="discovery")
    t = a.after(t, 5, 30)
    call, snapshot = a.apis.create_snapshot(t, a.world.volumes["acme-data-encrypted"], "migration")
    a.call(t, actor, call, HOME, key=False, phase="collection")
    t = a.after(t, 120, 600)
    a.call(t, actor, a.apis.modify_snapshot_attribute(snapshot, add_user=ATTACKER_ACCOUNT), HOME)


@scenario(
    "ami_shared",
    ("T1537",),
    "exfiltration",
    "An image of acme-web-1 is made and shared: ec2 CreateImage, then ModifyImageAttribute with "
    "launchPermission.add.items[].userId 739562084613.",
)
def ami_shared(a: Attack, t: int) -> None:
    """CreateImage + ModifyImageAttribute to an external account."""
    actor = a.stolen_sso("dan", t)
    call, image = a.apis.create_image(a.world.instances["acme-web-1"].instance_id, "web-backup")
    a.call(t, actor, call, HOME, key=False, phase="collection")
    t = a.after(t, 300, 900)
    a.call(t, actor, a.apis.modify_image_attribute(image, add_user=ATTACKER_ACCOUNT), HOME)


@scenario(
    "rds_snapshot_shared",
    ("T1537",),
    "exfiltration",
    "A snapshot of the orders database is shared: rds CreateDBSnapshot, then ModifyDBSnapshotAttribute with "
    "attributeName restore and valuesToAdd [739562084613] (the backup vendor's nightly share adds 444455556666).",
)
def rds_snapshot_shared(a: Attack, t: int) -> None:
    """CreateDBSnapshot + ModifyDBSnapshotAttribute restore to an external account."""
    actor = a.leaked_key("carol")
    name = "orders-export"
    a.call(t, actor, a.read("rds", "DescribeDBInstances"), HOME, key=False, phase="discovery")
    t = a.after(t, 5, 30)
    create = Call(
        SERVICES["rds"],
        "CreateDBSnapshot",
        False,
        {"dBSnapshotIdentifier": name, "dBInstanceIdentifier": "acme-orders-db"},
        {
            "dBSnapshotIdentifier": name,
            "dBInstanceIdentifier": "acme-orders-db",
            "status": "creating",
            "engine": "postgres",
            "encrypted": True,
        },
    )
    a.call(t, actor, create, HOME, key=False, phase="collection")
    t = a.after(t, 600, 1500)
    share = Call(
        SERVICES["rds"],
        "ModifyDBSnapshotAttribute",
        False,
        {"dBSnapshotIdentifier": name, "attributeName": "restore", "valuesToAdd": [ATTACKER_ACCOUNT]},
        {
            "dBSnapshotIdentifier": name,
            "dBSnapshotAttributes": [{"attributeName": "restore", "attributeValues": [ATTACKER_ACCOUNT]}],
        },
    )
    a.call(t, actor, share, HOME)


def _anonymous(a: Attack, ip: str) -> Actor:
    return Actor(
        "anonymous", {"type": "AWSAccount", "principalId": "", "accountId": "anonymous"}, ip, "curl/8.5.0", "anonymous"
    )


@scenario(
    "s3_bucket_policy_public",
    ("T1537", "T1530"),
    "exfiltration",
    "acme-customer-data is made public: s3 DeleteBucketPublicAccessBlock, PutBucketPolicy whose "
    "requestParameters.bucketPolicy.Statement has Effect Allow, Principal '*', Action s3:GetObject and no "
    "condition; then anonymous GetObject (userIdentity.accountId anonymous).",
)
def s3_bucket_policy_public(a: Attack, t: int) -> None:
    """Block Public Access removed and a public-read policy on the customer data."""
    actor = a.leaked_key("carol")
    bucket = a.world.buckets["acme-customer-data"]
    a.call(t, actor, a.apis.s3_bucket_read(bucket, "GetBucketPolicy", "policy"), HOME, key=False, phase="discovery")
    t = a.after(t, 5, 30)
    a.call(t, actor, a.apis.delete_public_access_block(bucket), HOME, phase="defense-evasion")
    t = a.after(t, 5, 30)
    statements = [
        {
            "Sid": "PublicRead",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"{bucket.arn}/*",
        }
    ]
    a.call(t, actor, a.apis.put_bucket_policy(bucket, statements), HOME)
    reader = _anonymous(a, a.rng.choice(ATTACKER_IPS))
    for n in range(6):
        t = a.after(t, 30, 300)
        call = a.apis.s3_object("GetObject", bucket, f"exports/customers-{n + 1}.parquet", size=1_400_000)
        a.call(t, reader, call, HOME, key=False)


@scenario(
    "s3_bucket_policy_external_account",
    ("T1537",),
    "exfiltration",
    "acme-customer-data is shared with an unknown account: s3 PutBucketPolicy whose statement has Principal "
    "{'AWS': 'arn:aws:iam::739562084613:root'} and s3:GetObject/ListBucket; that account then reads objects "
    "(data events with userIdentity.type AWSAccount, accountId 739562084613).",
)
def s3_bucket_policy_external_account(a: Attack, t: int) -> None:
    """A bucket policy granting another account read access."""
    actor = a.stolen_sso("dan", t)
    bucket = a.world.buckets["acme-customer-data"]
    statements = [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ATTACKER_ACCOUNT}:root"},
            "Action": ["s3:GetObject", "s3:GetBucketLocation", "s3:ListBucket"],
            "Resource": [f"{bucket.arn}/*", bucket.arn],
        }
    ]
    a.call(t, actor, a.apis.put_bucket_policy(bucket, statements), HOME)
    identity = {
        "type": "AWSAccount",
        "principalId": unique_id("AIDA", "attacker", "operator"),
        "accountId": ATTACKER_ACCOUNT,
    }
    outsider = Actor(
        "external", identity, a.rng.choice(ATTACKER_IPS), GO_SDK, f"arn:aws:iam::{ATTACKER_ACCOUNT}:user/operator"
    )
    for n in range(8):
        t = a.after(t, 20, 200)
        call = a.apis.s3_object("GetObject", bucket, f"exports/customers-{n + 10}.parquet", size=2_100_000)
        a.call(t, outsider, call, HOME, key=False)


@scenario(
    "security_group_ssh_open_world",
    CLOUD_FIREWALL,
    "defense-evasion",
    "SSH and RDP opened to the internet: ec2 AuthorizeSecurityGroupIngress with cidrIp 0.0.0.0/0 and port 22 "
    "(flat parameters, as some SDK tools send) and 3389 (ipPermissions.items[].ipRanges.items[].cidrIp). "
    "Terraform's benign changes open 443 to the world and 22 only from 203.0.113.0/24.",
)
def security_group_ssh_open_world(a: Attack, t: int) -> None:
    """Ingress 22 and 3389 from 0.0.0.0/0."""
    actor = a.leaked_key("carol")
    a.call(t, actor, a.read("ec2", "DescribeSecurityGroups"), HOME, key=False, phase="discovery")
    t = a.after(t, 5, 60)
    a.call(
        t, actor, a.apis.authorize_ingress_flat(a.world.security_groups["acme-bastion"].group_id, 22, "0.0.0.0/0"), HOME
    )
    t = a.after(t, 5, 60)
    a.call(
        t, actor, a.apis.authorize_ingress(a.world.security_groups["acme-web"].group_id, "tcp", 3389, "0.0.0.0/0"), HOME
    )


# --- impact ----------------------------------------------------------------------------------------


@scenario(
    "gpu_instances_launched",
    ("T1496.001", "T1578.002"),
    "impact",
    "Crypto-mining capacity: ec2 RunInstances with requestParameters.instanceType p5.48xlarge (failing "
    "VcpuLimitExceeded), g5.12xlarge x4 in us-east-1 and p4d.24xlarge in us-west-2 (benign launches are "
    "t3/m6i by Terraform).",
)
def gpu_instances_launched(a: Attack, t: int) -> None:
    """RunInstances of GPU instance types."""
    actor = a.leaked_key("carol")
    image = "ami-0" + stable("ubuntu-dl", length=16)
    subnet = a.world.subnets["acme-public-a"]
    a.call(
        t,
        actor,
        a.read("ec2", "DescribeImages", {"imagesSet": {"items": [{"imageId": image}]}, "filterSet": {}}),
        HOME,
        key=False,
        phase="discovery",
    )
    t = a.after(t, 10, 60)
    failing = a.apis.run_instances(t, image, "p5.48xlarge", 2, subnet, HOME, name="worker")
    message = (
        "You have requested more vCPU capacity than your current vCPU limit of 0 allows for the instance bucket "
        "that the specified instance type belongs to."
    )
    a.call(t, actor, failing, HOME, error=("Client.VcpuLimitExceeded", message))
    t = a.after(t, 30, 120)
    a.call(t, actor, a.apis.run_instances(t, image, "g5.12xlarge", 4, subnet, HOME, name="worker"), HOME)
    t = a.after(t, 60, 300)
    west = "subnet-" + stable("west-subnet", length=17)
    a.call(t, actor, a.apis.run_instances(t, image, "p4d.24xlarge", 1, west, "us-west-2", name="worker"), "us-west-2")


@scenario(
    "unused_region_activity",
    ("T1535",),
    "defense-evasion",
    "Regions the company never uses light up: account EnableRegion (ap-east-1), then in sa-east-1 and "
    "ap-southeast-1 ec2 ImportKeyPair, CreateSecurityGroup, AuthorizeSecurityGroupIngress and RunInstances "
    "(c5.4xlarge). Only reads reach those regions otherwise (the CSPM vendor's nightly sweep).",
)
def unused_region_activity(a: Attack, t: int) -> None:
    """Writes in regions without prior activity."""
    actor = a.leaked_key("carol")
    a.call(
        t,
        actor,
        Call(SERVICES["account"], "EnableRegion", False, {"regionName": "ap-east-1"}),
        HOME,
        phase="persistence",
    )
    for region in ("sa-east-1", "ap-southeast-1"):
        t = a.after(t, 30, 300)
        a.call(t, actor, a.read("ec2", "DescribeAvailabilityZones"), region, key=False, phase="discovery")
        t = a.after(t, 2, 20)
        a.call(t, actor, a.apis.import_key_pair("ops"), region)
        call, group = a.apis.create_security_group("default-ops", "vpc-" + stable("vpc", region, length=17))
        t = a.after(t, 2, 20)
        a.call(t, actor, call, region)
        t = a.after(t, 2, 20)
        a.call(t, actor, a.apis.authorize_ingress(group, "tcp", 22, "0.0.0.0/0"), region)
        t = a.after(t, 5, 40)
        image = "ami-0" + stable("image", region, length=16)
        subnet = "subnet-" + stable("subnet", region, length=17)
        a.call(
            t,
            actor,
            a.apis.run_instances(
                t, image, "c5.4xlarge", 3, subnet, region, name="node", key_name="ops", group_id=group
            ),
            region,
            phase="impact",
        )


ENUMERATION = (
    ("sts", "GetCallerIdentity", True),
    ("iam", "GetAccountAuthorizationDetails", False),
    ("iam", "ListUsers", False),
    ("iam", "ListRoles", False),
    ("iam", "ListGroups", False),
    ("iam", "ListPolicies", False),
    ("iam", "GetAccountSummary", False),
    ("iam", "ListAccessKeys", True),
    ("iam", "ListMFADevices", True),
    ("iam", "GetUser", True),
    ("iam", "ListAttachedUserPolicies", False),
    ("iam", "ListUserPolicies", False),
    ("s3", "ListBuckets", False),
    ("ec2", "DescribeInstances", False),
    ("ec2", "DescribeSecurityGroups", False),
    ("ec2", "DescribeVpcs", False),
    ("ec2", "DescribeSnapshots", False),
    ("ec2", "DescribeImages", False),
    ("ec2", "DescribeKeyPairs", False),
    ("ec2", "DescribeRegions", True),
    ("lambda", "ListFunctions20150331", False),
    ("rds", "DescribeDBInstances", False),
    ("rds", "DescribeDBSnapshots", False),
    ("secretsmanager", "ListSecrets", False),
    ("ssm", "DescribeParameters", False),
    ("dynamodb", "ListTables", False),
    ("sqs", "ListQueues", False),
    ("sns", "ListTopics", False),
    ("cloudtrail", "DescribeTrails", False),
    ("guardduty", "ListDetectors", False),
    ("kms", "ListKeys", False),
    ("logs", "DescribeLogGroups", False),
    ("ecr", "DescribeRepositories", False),
    ("elasticloadbalancing", "DescribeLoadBalancers", False),
    ("cloudformation", "ListStacks", False),
    ("route53", "ListHostedZones", False),
    ("organizations", "DescribeOrganization", False),
    ("ses", "GetSendQuota", False),
    ("config", "DescribeConfigurationRecorders", False),
)


@scenario(
    "enumeration_burst_access_denied",
    ("T1580", "T1526", "T1087.004"),
    "discovery",
    "bob's leaked key run through an enumeration tool (Pacu user agent) from a VPS: about 110 List/Describe/Get "
    "calls over 40 APIs of 25 services in a few minutes, most failing with AccessDenied, "
    "AccessDeniedException or Client.UnauthorizedOperation.",
)
def enumeration_burst_access_denied(a: Attack, t: int) -> None:
    """A scanner's sweep with mostly denied calls."""
    actor = a.leaked_key("bob", agent=PACU)
    for region in (HOME, EU, "us-west-2"):
        for service, name, allowed in ENUMERATION:
            if service in {"iam", "organizations", "route53", "sts"} and region != HOME:
                continue
            t = a.after(t, 0, 3)
            request: Json | None = (
                {"userName": "bob"} if name in {"ListAccessKeys", "ListMFADevices", "GetUser"} else None
            )
            call = (
                a.read(service, name, request)
                if request
                else (a.apis.list_buckets() if name == "ListBuckets" else a.read(service, name))
            )
            if allowed:
                a.call(t, actor, call, region)
            else:
                a.deny(t, actor, call, region)


@scenario(
    "trufflehog_key_validation",
    ("T1078.004", "T1087.004"),
    "discovery",
    "A secret scanner validates bob's leaked key: sts GetCallerIdentity with userAgent 'TruffleHog', from a "
    "new address; hours later the same key calls GetCallerIdentity again with the AWS CLI.",
)
def trufflehog_key_validation(a: Attack, t: int) -> None:
    """GetCallerIdentity from TruffleHog."""
    actor = a.leaked_key("bob", agent=TRUFFLEHOG, ip=a.rng.choice(ATTACKER_IPS))
    a.call(t, actor, a.read("sts", "GetCallerIdentity"), HOME)
    later = a.leaked_key("bob")
    a.call(
        a.after(t, 2 * HOUR, 6 * HOUR),
        later,
        a.read("sts", "GetCallerIdentity"),
        HOME,
        key=False,
        phase="initial-access",
    )


@scenario(
    "ses_enumeration",
    ("T1526",),
    "discovery",
    "SES checked for spam capacity across regions with a leaked long-term key: ses GetAccountSendingEnabled, "
    "GetSendQuota, ListIdentities, GetIdentityVerificationAttributes in us-east-1, eu-west-1 and us-west-2 "
    "(the nightly report reads only GetSendQuota in us-east-1).",
)
def ses_enumeration(a: Attack, t: int) -> None:
    """SES enumeration in several regions."""
    actor = a.leaked_key("carol", agent=BOTO_SCRIPT)
    for region in (HOME, EU, "us-west-2"):
        for call in (
            a.read("ses", "GetAccountSendingEnabled"),
            a.read("ses", "GetSendQuota"),
            a.read("ses", "ListIdentities"),
            a.read(
                "ses", "GetIdentityVerificationAttributes", {"identities": ["acme.example", "noreply@acme.example"]}
            ),
        ):
            t = a.after(t, 0, 4)
            a.call(t, actor, call, region)


def _objects(a: Attack, prefix: str, count: int) -> list[str]:
    return [f"{prefix}{a.ctx.tokens.hex(8)}-{n}.csv" for n in range(count)]


@scenario(
    "s3_mass_download",
    ("T1530",),
    "collection",
    "Bulk download of the customer data bucket by one principal from an unknown address with Cyberduck: "
    "s3 ListObjects then about 400 GetObject data events in half an hour.",
)
def s3_mass_download(a: Attack, t: int) -> None:
    """Hundreds of GetObject by one principal."""
    actor = a.leaked_key("carol", agent=CYBERDUCK)
    bucket = a.world.buckets["acme-customer-data"]
    for prefix in ("exports/", "reports/"):
        a.call(t, actor, a.apis.s3_list_objects(bucket, prefix), HOME, phase="discovery")
        for key in _objects(a, prefix, 200):
            t = a.after(t, 0, 6)
            a.call(t, actor, a.apis.s3_object("GetObject", bucket, key, size=a.rng.randrange(20_000, 4_000_000)), HOME)


RANSOM_NOTE = "README-RECOVER-YOUR-FILES.txt"


@scenario(
    "s3_ransomware_individual_delete",
    ("T1485",),
    "impact",
    "A bucket emptied object by object: s3 ListObjectVersions, about 250 DeleteObject data events (with "
    "versionId) from one principal, then PutObject of a ransom note.",
)
def s3_ransomware_individual_delete(a: Attack, t: int) -> None:
    """DeleteObject on every object version, then a ransom note."""
    actor = a.leaked_key("carol", agent=BOTO_SCRIPT)
    bucket = a.world.buckets["acme-eu-archive"]
    a.call(t, actor, a.apis.s3_list_object_versions(bucket), bucket.region, phase="discovery")
    for key in _objects(a, "uploads/", 250):
        t = a.after(t, 0, 2)
        a.call(
            t,
            actor,
            a.apis.s3_object("DeleteObject", bucket, key, extra={"versionId": a.ctx.tokens.text(32)}),
            bucket.region,
        )
    t = a.after(t, 5, 30)
    a.call(t, actor, a.apis.s3_object("PutObject", bucket, RANSOM_NOTE, size=1_024), bucket.region)


@scenario(
    "s3_ransomware_batch_delete",
    ("T1485", "T1490"),
    "impact",
    "Versioning suspended (s3 PutBucketVersioning Status Suspended), every version listed and removed with a "
    "dozen DeleteObjects batch calls (requestParameters.delete, x-id DeleteObjects), then a ransom note.",
)
def s3_ransomware_batch_delete(a: Attack, t: int) -> None:
    """PutBucketVersioning Suspended + DeleteObjects batches + a ransom note."""
    actor = a.stolen_sso("dan", t, agent=BOTO_SCRIPT)
    bucket = a.world.buckets["acme-artifacts"]
    a.call(t, actor, a.apis.put_bucket_versioning(bucket, "Suspended"), HOME, phase="defense-evasion")
    t = a.after(t, 5, 30)
    a.call(t, actor, a.apis.s3_list_object_versions(bucket), HOME, key=False, phase="discovery")
    for _ in range(12):
        t = a.after(t, 1, 8)
        a.call(t, actor, a.apis.s3_delete_objects(bucket), HOME)
    t = a.after(t, 5, 30)
    a.call(t, actor, a.apis.s3_object("PutObject", bucket, RANSOM_NOTE, size=1_024), HOME)


@scenario(
    "s3_ransomware_sse_c",
    ("T1486",),
    "impact",
    "Objects rewritten with a key only the attacker holds: about 200 s3 CopyObject data events onto themselves "
    "with requestParameters.x-amz-server-side-encryption-customer-algorithm AES256 (SSE-C), then a ransom note.",
)
def s3_ransomware_sse_c(a: Attack, t: int) -> None:
    """CopyObject with SSE-C over the bucket, then a ransom note."""
    actor = a.leaked_key("carol", agent=BOTO_SCRIPT)
    bucket = a.world.buckets["acme-customer-data"]
    a.call(t, actor, a.apis.s3_list_objects(bucket, ""), HOME, key=False, phase="discovery")
    for key in _objects(a, "reports/", 200):
        t = a.after(t, 0, 3)
        a.call(t, actor, a.apis.s3_copy_sse_c(bucket, key), HOME)
    t = a.after(t, 5, 30)
    a.call(t, actor, a.apis.s3_object("PutObject", bucket, RANSOM_NOTE, size=1_024), HOME)


@scenario(
    "ec2_enumeration_from_instance",
    ("T1580", "T1087.004"),
    "discovery",
    "An attacker on acme-web-1 enumerates with the instance role from the instance itself (its own address): "
    "GetCallerIdentity, ListBuckets, iam GetAccountSummary/ListRoles/ListUsers/GetAccountAuthorizationDetails "
    "(denied), DescribeSnapshots, DescribeTrails, ListDetectors - calls the instance's application never makes.",
)
def ec2_enumeration_from_instance(a: Attack, t: int) -> None:
    """Discovery with instance credentials, on the instance."""
    inside = a.company.instance_actor("acme-web-1", t // (6 * HOUR))
    actor = Actor(
        inside.name,
        inside.identity,
        inside.source_ip,
        CLI_V1_KALI.replace("distrib/kali.2024", "distrib/amzn.2023"),
        inside.arn,
    )
    allowed = {"GetCallerIdentity", "ListBuckets", "DescribeSnapshots"}
    for service, name in (
        ("sts", "GetCallerIdentity"),
        ("s3", "ListBuckets"),
        ("iam", "GetAccountSummary"),
        ("iam", "ListRoles"),
        ("iam", "ListUsers"),
        ("iam", "GetAccountAuthorizationDetails"),
        ("ec2", "DescribeSnapshots"),
        ("cloudtrail", "DescribeTrails"),
        ("guardduty", "ListDetectors"),
    ):
        t = a.after(t, 1, 15)
        call = a.apis.list_buckets() if name == "ListBuckets" else a.read(service, name)
        if name in allowed:
            a.call(t, actor, call, HOME)
        else:
            a.deny(t, actor, call, HOME)


@scenario(
    "bedrock_llmjacking",
    ("T1496.004",),
    "impact",
    "Stolen credentials resold for LLM access: bedrock ListFoundationModels, GetFoundationModelAvailability, "
    "PutUseCaseForModelAccess, CreateFoundationModelAgreement, PutFoundationModelEntitlement, then 40 "
    "InvokeModel calls (the company does not use Bedrock).",
)
def bedrock_llmjacking(a: Attack, t: int) -> None:
    """Model access enabled and invoked."""
    actor = a.leaked_key("carol", agent=BOTO_SCRIPT)
    model = "anthropic.claude-3-5-sonnet-20240620-v1:0"
    bedrock = SERVICES["bedrock"]
    a.call(t, actor, Call(bedrock, "ListFoundationModels", True, None), HOME, phase="discovery")
    for name, read_only, request, response in (
        ("GetFoundationModelAvailability", True, {"modelId": model}, None),
        ("ListFoundationModelAgreementOffers", True, {"modelId": model}, None),
        ("PutUseCaseForModelAccess", False, None, None),
        ("CreateFoundationModelAgreement", False, {"modelId": model}, {"modelId": model.rsplit(":", 1)[0]}),
        ("PutFoundationModelEntitlement", False, {"modelId": model}, {"status": "SUCCESS"}),
    ):
        t = a.after(t, 1, 10)
        a.call(t, actor, Call(bedrock, name, read_only, request, response), HOME)
    for _ in range(40):
        t = a.after(t, 1, 20)
        invoke = Call(bedrock, "InvokeModel", True, {"modelId": model}, host=f"bedrock-runtime.{HOME}.amazonaws.com")
        a.call(t, actor, invoke, HOME)


@scenario(
    "sagemaker_lifecycle_config",
    ("T1059.004", "T1548"),
    "execution",
    "Code injected into a notebook instance's start-up: sagemaker StopNotebookInstance, "
    "CreateNotebookInstanceLifecycleConfig, UpdateNotebookInstance (lifecycleConfigName), StartNotebookInstance.",
)
def sagemaker_lifecycle_config(a: Attack, t: int) -> None:
    """Stop, new lifecycle configuration, update, start."""
    actor = a.leaked_key("carol")
    sm = SERVICES["sagemaker"]
    notebook = "acme-analytics"
    config = "notebook-setup"
    for name, request, read_only in (
        ("ListNotebookInstances", None, True),
        ("StopNotebookInstance", {"notebookInstanceName": notebook}, False),
        (
            "CreateNotebookInstanceLifecycleConfig",
            {"notebookInstanceLifecycleConfigName": config, "onStart": [{"content": "HIDDEN_DUE_TO_SECURITY_REASONS"}]},
            False,
        ),
        ("UpdateNotebookInstance", {"notebookInstanceName": notebook, "lifecycleConfigName": config}, False),
        ("StartNotebookInstance", {"notebookInstanceName": notebook}, False),
    ):
        t = a.after(t, 30 if name == "CreateNotebookInstanceLifecycleConfig" else 2, 200)
        a.call(t, actor, Call(sm, name, read_only, request), HOME, key=not read_only)


@scenario(
    "ec2_ami_deregistered",
    ("T1485",),
    "impact",
    "The worker base image is deregistered: ec2 DescribeImages, DeregisterImage (requestParameters.imageId).",
)
def ec2_ami_deregistered(a: Attack, t: int) -> None:
    """DeregisterImage."""
    actor = a.leaked_key("carol")
    a.call(t, actor, a.read("ec2", "DescribeImages"), HOME, key=False, phase="discovery")
    a.call(a.after(t, 10, 60), actor, a.apis.deregister_image(a.world.images["acme-worker-base"]), HOME)


@scenario(
    "account_takeover_chain",
    ("T1078.004", "T1098.001", "T1136.003", "T1562.008", "T1685.002"),
    "initial-access",
    "An incident in four weak signals within an hour: root signs in from a new address without MFA, creates a "
    "root access key, creates a user with a key, and stops the trail (ConsoleLogin Root MFAUsed No; iam "
    "CreateAccessKey; iam CreateUser + CreateAccessKey; cloudtrail StopLogging).",
)
def account_takeover_chain(a: Attack, t: int) -> None:
    """Root console login -> root key -> backdoor user -> StopLogging."""
    console = a.root_actor(t, console=True)
    a.call(t, console.signing_in(), a.apis.console_login(success=True, mfa=False, region=HOME), HOME)
    t = a.after(t, 60, 300)
    key = stable_key_id("AKIA", "chain-root", a.ctx.seed)
    create = Call(
        SERVICES["iam"],
        "CreateAccessKey",
        False,
        None,
        {"accessKey": {"accessKeyId": key, "status": "Active", "createDate": _iam_date(t)}},
    )
    a.call(t, console, create, HOME, phase="persistence", user_agent=ATTACKER_BROWSER)
    api = a.root_actor(t, console=False, key=key)
    t = a.after(t, 300, 900)
    user = "support-automation"
    a.call(t, api, a.apis.create_user(t, user), HOME, phase="persistence")
    user_key = stable_key_id("AKIA", "chain-user", a.ctx.seed)
    t = a.after(t, 2, 20)
    a.call(t, api, a.apis.create_access_key(t, user, user_key), HOME, phase="persistence")
    t = a.after(t, 300, 900)
    a.call(
        t,
        api,
        Call(SERVICES["cloudtrail"], "StopLogging", False, {"name": _trail_arn(a, "acme-org-trail")}),
        HOME,
        phase="defense-evasion",
    )


# --- scheduling ------------------------------------------------------------------------------------


def scenario_seed(seed: int, name: str) -> int:
    """The random seed of one scenario's run (independent of which other scenarios run)."""
    return (seed * 1_000_003) ^ zlib.crc32(name.encode())


def schedule(seed: int, start: int, end: int) -> dict[str, int]:
    """When each scenario starts: spread over the period, after its first day when there is one.

    The times depend only on the seed and the period, never on which scenarios are selected.
    """
    import random

    rng = random.Random(seed ^ 0xA77AC)
    names = list(SCENARIOS)
    rng.shuffle(names)
    span = end - start
    lead = DAY if span > 3 * DAY else span // 10
    usable = max(span - lead - 3 * HOUR, HOUR)
    slot = usable / len(names)
    times: dict[str, int] = {}
    for index, name in enumerate(names):
        times[name] = start + lead + int(slot * index + rng.uniform(0.1, 0.9) * slot)
    return times


def run_scenario(ctx: Ctx, name: str, second: int) -> int:
    """Write one scenario's labelled records; returns how many."""
    attack = Attack(ctx, SCENARIOS[name])
    SCENARIOS[name].run(attack, second + attack.rng.randrange(MINUTE))
    return attack.count


__all__ = ["ATTACKER_ACCOUNT", "SCENARIOS", "Attack", "Scenario", "run_scenario", "scenario_seed", "schedule"]
