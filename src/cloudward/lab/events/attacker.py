"""The attacker's side of the scenarios: who it is, its tools, and how a scenario records its calls."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cloudward.lab.events.apis import Apis
from cloudward.lab.events.clock import HOUR
from cloudward.lab.events.context import Ctx, EventLabel
from cloudward.lab.events.identities import (
    Actor,
    Engineer,
    assumed_role,
    aws_account,
    engineer_session_key,
    iam_user,
    root,
)
from cloudward.lab.events.records import Call, Error, Json
from cloudward.lab.events.tokens import stable_key_id, unique_id
from cloudward.lab.events.world import HOME, World

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


Run = Callable[["Attack", int], None]
"""A scenario's body: writes its records, starting at an epoch second."""
Register = Callable[[str, Sequence[str], str, str], Callable[[Run], Run]]
"""``scenario(name, techniques, tactic, description)``: a decorator registering a scenario's body."""


def registrar(scenarios: dict[str, Scenario]) -> Register:
    """A ``scenario`` decorator factory that registers into ``scenarios``, in definition order."""

    def scenario(name: str, techniques: Sequence[str], tactic: str, description: str) -> Callable[[Run], Run]:
        def register(run: Run) -> Run:
            scenarios[name] = Scenario(name, tuple(techniques), tactic, description, run)
            return run

        return register

    return scenario


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

    def recon(self, second: int, actor: Actor, call: Call, region: str = HOME, **kw: Any) -> Json:
        """Record a labelled look-around before the scenario's key calls (not a key record, ``discovery``)."""
        return self.call(second, actor, call, region, key=False, phase="discovery", **kw)

    def calls(
        self, second: int, actor: Actor, calls: Sequence[Call], gap: tuple[int, int], region: str = HOME, **kw: Any
    ) -> int:
        """Record ``calls`` one after the other, each ``gap`` (low, high) seconds after the one before;
        returns the second of the last."""
        for call in calls:
            second = self.after(second, *gap)
            self.call(second, actor, call, region, **kw)
        return second

    def console_sign_in(self, second: int, actor: Actor, **kw: Any) -> Json:
        """Record ``actor``'s successful console sign-in without MFA."""
        return self.call(
            second, actor.signing_in(), self.apis.console_login(success=True, mfa=False, region=HOME), HOME, **kw
        )

    def read(self, service: str, name: str, request: Json | None = None) -> Call:
        """A read call (see :meth:`.apis.Apis.read`)."""
        return self.apis.read(service, name, request)

    def write(self, service: str, name: str, request: Json | None, response: Json | None = None) -> Call:
        """A call that changes something (see :meth:`.apis.Apis.write`)."""
        return self.apis.write(service, name, request, response)

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

    def console_user(self, user: str, session: str, second: int) -> Actor:
        """An IAM user's console session, signed in by the attacker with its password."""
        key = stable_key_id("ASIA", session, second)
        identity = iam_user(self.account, user, key, session_created=self.ctx.clock.iso(second))
        return Actor(user, identity, self.ip, ATTACKER_BROWSER, identity["arn"], console=True)

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


def trail_arn(a: Attack, name: str) -> str:
    """The ARN of one of the company's trails."""
    return f"arn:aws:cloudtrail:{a.world.trails[name]}:{a.account}:trail/{name}"


def stop_org_trail(a: Attack) -> Call:
    """``StopLogging`` on the organization trail."""
    return a.write("cloudtrail", "StopLogging", {"name": trail_arn(a, "acme-org-trail")})


def iam_date(second: int) -> str:
    """A date as IAM writes it in responseElements."""
    from cloudward.lab.events.apis import java_date

    return java_date(second)
