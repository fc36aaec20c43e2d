"""Everyday activity of the company: what its people, pipelines, workloads and AWS itself call, and when.

Activity comes in *sessions*: a console visit, a CLI session, a Terraform run, a Lambda container's
invocations, an SSM agent heartbeat. Each :class:`Process` starts sessions at a rate that follows its
weekly profile (engineers work their local working hours, machines run around the clock, jobs run at
night), scaled so the whole company produces ``events_per_day`` records a day on average. Sessions emit
their records at their own times, which may fall in later five-minute windows.

Realistic false-positive bait is part of the model on purpose: Terraform reads instance user data,
secret values and SecureString parameters on every plan and now and then changes role policies,
security groups (443 to the world, SSH from the office), the website bucket's public policy, the trail
bucket's lifecycle (365 days), event selectors and GuardDuty's publishing frequency; CI deploys Lambda
code and adds the AWS-published Lambda Insights layer; a CSPM vendor assumes its role from another
account every night and reads every region (a few of its calls are denied); the backup vendor
snapshots the data volume and shares it with its own account; SSO console sign-ins record
``MFAUsed: No``; IAM users' sign-ins land in us-east-2 or eu-north-1; power users browsing the IAM
console are denied; an admin rotates her own key and onboards a new engineer; SSM patches instances
weekly with SendCommand.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cloudward.lab.events.apis import Apis
from cloudward.lab.events.benign_console import (
    CLI_COMMANDS,
    CLI_WEIGHTS,
    CONFIG_READS,
    CONSOLE_PAGE_WEIGHTS,
    CONSOLE_PAGES,
    LAMBDA_CUMULATIVE,
    LAMBDA_FUNCTIONS,
    cli_denied,
)
from cloudward.lab.events.benign_terraform import TERRAFORM_CHANGE_WEIGHTS, TERRAFORM_CHANGES
from cloudward.lab.events.clock import DAY, HOUR, MINUTE
from cloudward.lab.events.context import Ctx, between, weekday
from cloudward.lab.events.identities import (
    BACKUP_VENDOR_IPS,
    BACKUP_VENDOR_UA,
    CONSOLE_UA,
    GITHUB_OIDC,
    GITHUB_OIDC_UA,
    GITHUB_RUNNER_PREFIXES,
    SIGNIN_REGION,
    SSM_AGENT,
    TERRAFORM_UA,
    VENDOR_AUDIT_IPS,
    VENDOR_AUDIT_UA,
    Actor,
    Company,
    Engineer,
    aws_account,
    engineer_session_key,
    saml_user,
    web_identity_user,
)
from cloudward.lab.events.records import SERVICES, Call, Json
from cloudward.lab.events.terraform import S3_BUCKET_READS, S3_CONFIGURED, S3_NOT_CONFIGURED, plan_reads
from cloudward.lab.events.tokens import stable, stable_key_id, unique_id
from cloudward.lab.events.world import BACKUP_VENDOR_ACCOUNT, EU, HOME, VENDOR_ACCOUNT, World

WINDOW = 5 * MINUTE
CI_CLI = (
    "aws-cli/2.18.4 md/awscrt#0.22.0 ua/2.0 os/linux#6.5.0-1025-azure md/arch#x86_64 lang/python#3.12.6 "
    "md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe"
)
WEEK_HOURS = 168

# Regions a CSPM scanner sweeps every night (all the default-enabled commercial regions).
ALL_REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "sa-east-1",
)


def _profile(hours: Callable[[int, int], float]) -> tuple[float, ...]:
    """A weekly profile: weight of each UTC hour of the week (0 = Monday 00:00 UTC)."""
    return tuple(hours(h // 24, h % 24) for h in range(WEEK_HOURS))


def _workday(offset: int) -> Callable[[int, int], float]:
    def weight(day: int, hour: int) -> float:
        local = hour + offset
        local_day = (day + local // 24) % 7
        local %= 24
        weekend = local_day >= 5
        if 9 <= local < 12 or 13 <= local < 18:
            base = 1.0
        elif local in {8, 12, 18}:
            base = 0.6
        elif 19 <= local < 23:
            base = 0.12
        else:
            base = 0.02
        return base * (0.08 if weekend else 1.0)

    return weight


FLAT = _profile(lambda day, hour: 1.0)
US_WORK = _profile(_workday(-5))
EU_WORK = _profile(_workday(1))
ANY_WORK = tuple(max(a, b) for a, b in zip(US_WORK, EU_WORK, strict=True))
CUSTOMER = _profile(lambda day, hour: 0.45 + 0.55 * max(_workday(-5)(day, hour), _workday(1)(day, hour) * 0.7))


@dataclass(slots=True)
class Process:
    """Sessions of one kind, started at a rate following ``profile``.

    Attributes:
        name: what it models.
        share: its part of the company's events.
        mean: mean records per session.
        profile: weekly profile (168 hourly weights, UTC).
        run: starts one session at an epoch second.
    """

    name: str
    share: float
    mean: float
    profile: tuple[float, ...]
    run: Callable[[int], None]
    per_window: tuple[float, ...] = ()
    expected: float = 0.0
    emitted: int = 0


class Benign:
    """The company's benign activity, scheduled window by window."""

    def __init__(self, ctx: Ctx, events_per_day: int) -> None:
        self.ctx = ctx
        self.rng: random.Random = ctx.rng
        self.events_per_day = events_per_day
        self.scale = events_per_day / 20_000
        self.world: World = ctx.world
        self.company: Company = ctx.company
        self.apis: Apis = ctx.apis
        self.rec = ctx.recorder
        self._record = ctx.recorder.record
        self.count = [0]  # records emitted so far, kept up to date by the simulation
        self._out = ctx.emit
        self._drifting = False
        self._containers: dict[tuple[str, int], int] = {}
        self._calls: dict[tuple[str, ...], Call] = {}
        self._agents: dict[tuple[str, ...], Actor] = {}
        self._cloudtrail = self.company.service_actor("cloudtrail.amazonaws.com")
        self._dates: dict[int, tuple[str, str, str]] = {}
        self._policy_version = 2
        self._parameter_versions: dict[str, int] = {}
        self._plans = {HOME: plan_reads(self.apis, self.world, HOME), EU: plan_reads(self.apis, self.world, EU)}
        self._engineer_weights = {e.name: (0.6 if e.name == "bob" else 1.0) for e in self.company.engineers}
        total_weight = sum(self._engineer_weights.values())
        self.processes: list[Process] = []
        for engineer in self.company.engineers:
            share = 0.22 * self._engineer_weights[engineer.name] / total_weight
            profile = US_WORK if engineer.utc_offset < 0 else EU_WORK
            mean = 26.0 + 40.0 * engineer.console_share
            self.processes.append(
                Process(f"engineer:{engineer.name}", share, mean, profile, self._engineer_session(engineer))
            )
        plan_mean = (len(self._plans[HOME]) * 0.7 + len(self._plans[EU]) * 0.3) + 6
        self.processes += [
            Process("terraform", 0.15, plan_mean, ANY_WORK, self.terraform_run),
            Process("app-deploy", 0.025, 16, ANY_WORK, self.app_deploy),
            Process("instances", 0.26, 1.35, FLAT, self.instance_activity),
            Process("lambda", 0.19, 1.6, CUSTOMER, self.lambda_activity),
            Process("aws-services", 0.10, 2.2, FLAT, self.service_activity),
        ]
        self._terraform = next(p for p in self.processes if p.name == "terraform")
        # the nightly drift plan is part of Terraform's share; a small company plans less often
        self._drift_chance = min(1.0, 0.5 * 0.15 * events_per_day / (len(self._plans[HOME]) + len(self._plans[EU])))
        for process in self.processes:
            weights = process.profile
            total = sum(weights)
            sessions_per_week = process.share * 0.97 * events_per_day * 7 / process.mean
            process.per_window = tuple(sessions_per_week * w / total / 12 for w in weights)
        # Nightly and weekly jobs take the rest of the day's budget (about 6%).
        self._audit_calls = max(40, round(0.045 * events_per_day))
        self._report_objects = max(5, round(0.004 * events_per_day))

    # --- scheduling ------------------------------------------------------------------------------

    def window(self, start: int) -> None:
        """Start the sessions that begin in the five minutes from ``start``.

        Each process keeps to its share of the events: when its sessions turn out larger than their
        nominal mean (a sparse Lambda cold-starts on nearly every invocation), fewer of them start.
        """
        rng = self.rng
        hour_of_week = ((start // DAY + 3) % 7) * 24 + start % DAY // HOUR
        for process in self.processes:
            sessions = process.per_window[hour_of_week]
            process.expected += sessions * process.mean
            correction = 1.0
            if process.emitted > 4 * process.mean:
                correction = min(3.0, max(0.25, process.expected / process.emitted))
            count = int(sessions * correction * (0.7 + 0.6 * rng.random()) + rng.random())
            before = self.count[0]
            for _ in range(count):
                process.run(start + between(rng, WINDOW))
            process.emitted += self.count[0] - before
        before = self.count[0]
        self._scheduled(start)
        self._terraform.emitted += self.count[0] - before if self._drifting else 0
        self._drifting = False

    def _scheduled(self, start: int) -> None:
        """Jobs at fixed times of day (they start in the window that holds their time)."""
        day_start = start - start % DAY
        offset = start - day_start
        jobs: Sequence[tuple[int, Callable[[int], None]]] = (
            (1 * HOUR + 5 * MINUTE, self.vendor_audit),
            (2 * HOUR, self.nightly_report),
            (2 * HOUR + 30 * MINUTE, self.vendor_backup),
            (3 * HOUR, self.drift_plan),
        )
        for at, job in jobs:
            if offset <= at < offset + WINDOW:
                job(day_start + at + between(self.rng, 90))
        base = start - start % (6 * HOUR)
        for refresh in (base + 7, base + 6 * HOUR + 7):  # instance credentials refresh 7 s past each 6 hours
            if start <= refresh < start + WINDOW:
                self.instance_credentials(refresh)
        day_index = (start - self.ctx.start) // DAY
        if weekday(start) == 6 and offset <= 4 * HOUR < offset + WINDOW:
            self.patch_instances(day_start + 4 * HOUR + between(self.rng, 60))
        chores: dict[int, Callable[[int], None]] = {
            7: self.rotate_own_key,
            11: self.onboard_engineer,
            5: self.cloudtrail_selectors_change,
            9: self.guardduty_frequency_change,
            13: self.kms_rotation_event,
        }
        chore = chores.get(day_index % 14)
        if chore is not None and offset <= 15 * HOUR < offset + WINDOW:
            chore(day_start + 15 * HOUR + between(self.rng, 1800))

    # --- helpers ---------------------------------------------------------------------------------

    def _ip_pick(self, prefixes: Sequence[str]) -> str:
        rng = self.rng
        return f"{rng.choice(prefixes)}{between(rng, 1, 255)}.{between(rng, 1, 255)}"

    def _emit(self, second: int, actor: Actor, call: Call, region: str, error: tuple[str, str] | None = None) -> None:
        self._out(second, self._record(second, actor, call, region, error=error), None)

    # --- engineers -------------------------------------------------------------------------------

    def _engineer_session(self, engineer: Engineer) -> Callable[[int], None]:
        def run(second: int) -> None:
            console = engineer.console or engineer.sso
            if console and self.rng.random() < engineer.console_share:
                self.console_session(engineer, second)
            else:
                self.cli_session(engineer, second)

        return run

    def _engineer_actor(self, engineer: Engineer, second: int, *, console: bool) -> Actor:
        ip = engineer.ip_on(weekday(second))
        key = engineer_session_key(engineer.name, second, console=console)
        # an SSO CLI session's credentials are created once for the day's eight-hour slot
        created = self.ctx.clock.iso(second - second % (8 * HOUR) if engineer.sso and not console else second)
        return self.company.engineer_actor(engineer, ip=ip, console=console, session_key=key, created=created)

    def console_session(self, engineer: Engineer, second: int) -> None:
        """Sign in to the console, browse a few pages, sometimes change something."""
        rng = self.rng
        actor = self._engineer_actor(engineer, second, console=True)
        ctx = self.ctx
        t = second
        if engineer.sso:
            role = self.company.sso_roles[engineer.permission_set]
            role_arn = f"arn:aws:iam::{ctx.account}:role/aws-reserved/sso.amazonaws.com/{role}"
            provider = f"arn:aws:iam::{ctx.account}:saml-provider/{self.company.sso_provider}"
            saml = Actor(
                engineer.email,
                saml_user(ctx.account, self.company.sso_provider, engineer.email),
                actor.source_ip,
                engineer.browser,
                actor.arn,
            )
            key = actor.identity["accessKeyId"]
            ctx.call(t, saml, self.apis.assume_role_with_saml(t, role_arn, provider, engineer.email, key), HOME)
            t += between(rng, 1, 4)
            ctx.call(t, actor, self.apis.console_login(success=True, mfa=None, region=HOME, federated=True), HOME)
        else:
            region = SIGNIN_REGION[engineer.utc_offset]
            signin = actor.signing_in()
            if rng.random() < 0.03:  # a mistyped password first
                failed = self.apis.console_login(success=False, mfa=engineer.mfa, region=region)
                ctx.call(t, signin, failed, region, error=("", "Failed authentication"))
                t += between(rng, 5, 20)
            if engineer.mfa:
                ctx.call(t, signin, self.apis.check_mfa(region), region)
                t += between(rng, 4, 15)
            ctx.call(t, signin, self.apis.console_login(success=True, mfa=engineer.mfa, region=region), region)
        t += between(rng, 2, 6)
        for call in (self.apis.read("health", "DescribeEventAggregates"), self.apis.read("ce", "GetCostAndUsage")):
            denied = (
                call.service.key == "ce"
                and engineer.permission_set != "AdministratorAccess"
                and engineer.name not in {"carol"}
            )
            self._console_call(t, actor, call, HOME, engineer, denied=denied)
            t += between(rng, 1, 3)
        budget = max(6, int(rng.expovariate(1 / (36 + 30 * engineer.console_share))))
        while budget > 0:
            page = rng.choices(CONSOLE_PAGES, CONSOLE_PAGE_WEIGHTS)[0]
            region = engineer.regions[0] if rng.random() < 0.8 else engineer.regions[-1]
            calls = page(self, region)
            t += between(rng, 8, 120)
            for call in calls:
                t += between(rng, 0, 3)
                self._console_call(t, actor, call, region, engineer)
            budget -= len(calls)
            if rng.random() < engineer.writes * 4:
                t += between(rng, 20, 90)
                budget -= self._console_write(t, actor, engineer, region)

    def _console_call(
        self, second: int, actor: Actor, call: Call, region: str, engineer: Engineer, *, denied: bool = False
    ) -> None:
        key = call.service.key
        agent = CONSOLE_UA.get(key, engineer.browser)
        if not denied and key == "iam" and engineer.permission_set == "PowerUserAccess":
            denied = True
        error = self.rec.denied(actor, call, region) if denied else None
        self.ctx.call(second, actor, call, region, error=error, user_agent=agent)

    def _console_write(self, second: int, actor: Actor, engineer: Engineer, region: str) -> int:
        rng = self.rng
        apis = self.apis
        world = self.world
        choice = rng.random()
        if region == EU:
            instance = world.instances["acme-eu-batch-1"]
        else:
            instance = world.instances[rng.choice(("acme-web-1", "acme-web-2", "acme-worker-1"))]
        calls: list[Call]
        if choice < 0.3:
            calls = [apis.create_tags(instance.instance_id, {"owner": engineer.name, "cost-center": "platform"})]
        elif choice < 0.38 and instance.name == "acme-worker-1":
            ids = [instance.instance_id]
            calls = [
                apis.instances_state("StopInstances", ids, (16, "running"), (64, "stopping")),
                apis.instances_state("StartInstances", ids, (80, "stopped"), (0, "pending")),
            ]
        elif choice < 0.45 and instance.name == "acme-worker-1":
            session = f"{engineer.email if engineer.sso else engineer.name}-{self.ctx.tokens.text(26).lower()}"
            calls = [
                apis.read("ssm", "DescribeInstanceInformation"),
                apis.start_session(instance.instance_id, session, region),
                apis.terminate_session(session),
            ]
        elif choice < 0.6:
            fn = rng.choice(
                [f for f in world.functions.values() if f.region == region] or list(world.functions.values())
            )
            calls = [
                apis.update_function_configuration(second, fn.name, fn.region, memory=rng.choice((256, 512, 1024)))
            ]
        elif choice < 0.8:
            bucket = world.buckets["acme-artifacts"]
            key = f"manual/{engineer.name}/{self.ctx.tokens.hex(8)}.zip"
            calls = [apis.s3_object("PutObject", bucket, key, size=between(rng, 10_000, 5_000_000))]
        else:
            calls = [
                apis.read("logs", "StartQuery", {"logGroupName": rng.choice(world.log_groups), "queryString": "HIDDEN"})
            ]
        denied = engineer.permission_set == "ReadOnlyAccess" and calls[0].service.key != "logs"
        t = second
        for call in calls:
            if call.name in {"TerminateSession", "StartInstances"}:
                t += between(rng, 60, 900)
            self._console_call(t, actor, call, region, engineer, denied=denied and not call.read_only)
            t += between(rng, 1, 5)
        return len(calls)

    def cli_session(self, engineer: Engineer, second: int) -> None:
        """A burst of AWS CLI commands (or, for bob, his boto3 scripts)."""
        rng = self.rng
        actor = self._engineer_actor(engineer, second, console=False)
        if engineer.name == "bob" and rng.random() < 0.4:
            actor = Actor(
                actor.name,
                actor.identity,
                actor.source_ip,
                "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.8.0-47-generic md/arch#x86_64 lang/python#3.12.3 "
                "md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.36",
                actor.arn,
            )
        t = second
        commands = max(2, int(rng.expovariate(1 / 12)))
        for _ in range(commands):
            command = rng.choices(CLI_COMMANDS, CLI_WEIGHTS)[0]
            region = engineer.regions[0] if rng.random() < 0.85 else engineer.regions[-1]
            t += between(rng, 3, 90)
            for call in command(self, region, engineer):
                denied = cli_denied(engineer, call) or rng.random() < 0.004
                error = self.rec.denied(actor, call, region) if denied else None
                self._emit(t, actor, call, region, error)
                if call.service.key == "s3" and call.data and not denied:
                    self._s3_kms(t, actor, call, region)
                t += between(rng, 0, 2)

    # --- S3 with KMS -----------------------------------------------------------------------------

    def _s3_kms(self, second: int, actor: Actor, call: Call, region: str) -> None:
        """The KMS call S3 makes for the caller when an SSE-KMS object is read or written."""
        request = call.request or {}
        bucket = self.world.buckets.get(request.get("bucketName", ""))
        if bucket is None or not bucket.kms or call.name not in {"GetObject", "PutObject"}:
            return
        key_arn = self.world.kms_arn("acme-data")
        name = "Decrypt" if call.name == "GetObject" else "GenerateDataKey"
        kms = self.apis.kms(name, key_arn, {"aws:s3:arn": bucket.arn}, key_spec=name == "GenerateDataKey")
        identity = self.rec.invoked_identity(actor, "s3.amazonaws.com")
        self.ctx.call(
            second,
            actor,
            kms,
            bucket.region,
            identity=identity,
            source_ip="s3.amazonaws.com",
            user_agent="s3.amazonaws.com",
        )

    def _secret_kms(self, second: int, actor: Actor, secret_arn: str, region: str) -> None:
        key_arn = self.world.kms_arn("acme-data" if region == HOME else "acme-eu-data")
        context = {
            "SecretARN": secret_arn,
            "SecretVersionId": stable("secret-version", secret_arn, length=8) + "-0000-4000-8000-000000000000",
        }
        identity = self.rec.invoked_identity(actor, "secretsmanager.amazonaws.com")
        self.ctx.call(
            second,
            actor,
            self.apis.kms("Decrypt", key_arn, context),
            region,
            identity=identity,
            source_ip="secretsmanager.amazonaws.com",
            user_agent="secretsmanager.amazonaws.com",
        )

    # --- Terraform -------------------------------------------------------------------------------

    def _runner_actor(self, second: int, role: str, repo: str) -> tuple[Actor, Actor, str]:
        ip = self._ip_pick(GITHUB_RUNNER_PREFIXES)
        key = self.ctx.tokens.session_key()
        subject = f"repo:acme/{repo}:ref:refs/heads/main"
        oidc = Actor(
            subject,
            web_identity_user(self.ctx.account, GITHUB_OIDC, subject),
            ip,
            GITHUB_OIDC_UA,
            subject,
            tls="1.2",
        )
        actor = self.company.role_session_actor(
            role, "GitHubActions", key=key, created=self.ctx.clock.iso(second), ip=ip, user_agent=TERRAFORM_UA
        )
        return oidc, actor, key

    def terraform_run(self, second: int, *, region: str | None = None, apply: bool | None = None) -> None:
        """A Terraform plan of one workspace from GitHub Actions, sometimes followed by an apply."""
        rng = self.rng
        if region is None:
            region = HOME if rng.random() < 0.7 else EU
        oidc, actor, key = self._runner_actor(second, "acme-terraform", "infra")
        role_arn = self.world.role_arn("acme-terraform")
        ctx = self.ctx
        ctx.call(second, oidc, self.apis.assume_role_with_web_identity(second, role_arn, oidc.name, key), region)
        t = second + between(rng, 5, 20)
        self._tf(t, actor, self.apis.read("sts", "GetCallerIdentity"), region)
        duration = between(rng, 25, 110)
        end = t
        for call, error in self._plans[region]:
            at = t + between(rng, duration)
            self._tf(at, actor, call, region, error)
            end = max(end, at)
        if apply is None:
            apply = rng.random() < 0.22
        if apply:
            t = end + between(rng, 60, 600)
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
                change = rng.choices(TERRAFORM_CHANGES, TERRAFORM_CHANGE_WEIGHTS)[0]
                for offset, call in change(self, t, region):
                    self._tf(t + offset, actor, call, region)
                t += between(rng, 2, 30)

    def _tf(self, second: int, actor: Actor, call: Call, region: str, error: tuple[str, str] | None = None) -> None:
        agent = self.rec.terraform_agent(TERRAFORM_UA, call.service)
        self.ctx.call(second, actor, call, region, error=error, user_agent=agent)

    def drift_plan(self, second: int) -> None:
        """The nightly drift-detection plan of both workspaces."""
        if self.rng.random() >= self._drift_chance:
            return
        self._drifting = True
        self.terraform_run(second, region=HOME, apply=False)
        self.terraform_run(second + 300, region=EU, apply=False)

    def app_deploy(self, second: int) -> None:
        """CI of the web app: push an image to ECR, ship a Lambda bundle and update the function's code."""
        rng = self.rng
        apis = self.apis
        world = self.world
        oidc, actor, key = self._runner_actor(second, "acme-deploy", "web-app")
        actor = Actor(
            actor.name,
            actor.identity,
            actor.source_ip,
            CI_CLI,
            actor.arn,
            cli=True,
        )
        ctx = self.ctx
        region = HOME
        ctx.call(
            second,
            oidc,
            apis.assume_role_with_web_identity(second, world.role_arn("acme-deploy"), oidc.name, key),
            region,
        )
        t = second + between(rng, 3, 10)
        self._emit(t, actor, apis.read("sts", "GetCallerIdentity"), region)
        repository = "acme-web-app"
        t += between(rng, 5, 40)
        self._emit(t, actor, apis.read("ecr", "GetAuthorizationToken"), region)
        digest = "sha256:" + ctx.tokens.hex(64)
        layers = between(rng, 1, 4)
        steps: list[tuple[str, Json]] = [
            ("BatchCheckLayerAvailability", {"repositoryName": repository, "layerDigests": [digest]}),
            *(("InitiateLayerUpload", {"repositoryName": repository}) for _ in range(layers)),
            *(
                ("UploadLayerPart", {"repositoryName": repository, "uploadId": ctx.tokens.uuid(), "partFirstByte": 0})
                for _ in range(layers)
            ),
            *(
                (
                    "CompleteLayerUpload",
                    {"repositoryName": repository, "uploadId": ctx.tokens.uuid(), "layerDigests": [digest]},
                )
                for _ in range(layers)
            ),
            (
                "PutImage",
                {
                    "repositoryName": repository,
                    "imageTag": ctx.tokens.hex(7),
                    "imageManifestMediaType": "application/vnd.docker.distribution.manifest.v2+json",
                },
            ),
        ]
        for name, request in steps:
            t += between(rng, 1, 8)
            self._emit(t, actor, Call(SERVICES["ecr"], name, False, request), region)
        function = rng.choice(("acme-public-webhook", "acme-internal-api", "acme-nightly-report"))
        s3_key = f"lambda/{function}/{ctx.tokens.hex(12)}.zip"
        t += between(rng, 10, 60)
        put = apis.s3_object(
            "PutObject", world.buckets["acme-artifacts"], s3_key, size=between(rng, 200_000, 9_000_000)
        )
        self._emit(t, actor, put, region)
        t += between(rng, 2, 10)
        self._emit(t, actor, apis.update_function_code(t, function, region, s3_key=s3_key, publish=True), region)
        t += between(rng, 5, 30)
        self._emit(t, actor, apis.lambda_read("GetFunction20150331v2", function), region)
        alias = Call(
            SERVICES["lambda"],
            "UpdateAlias20150331",
            False,
            {"functionName": function, "name": "live", "functionVersion": str(between(rng, 20, 400))},
        )
        self._emit(t + 2, actor, alias, region)

    # --- workloads -------------------------------------------------------------------------------

    def instance_activity(self, second: int) -> None:
        """One thing an instance does: the SSM agent's heartbeat, or its application reading and writing data."""
        rng = self.rng
        world = self.world
        roll = rng.random()
        name = "acme-web-1" if roll < 0.4 else "acme-web-2" if roll < 0.75 else "acme-eu-batch-1"
        instance = world.instances[name]
        epoch = second // (6 * HOUR)
        actor = self.company.instance_actor(name, epoch)
        region = instance.region
        apis = self.apis
        roll = rng.random()
        if roll < 0.36:
            agent = self._agent_actor(actor)
            call = self._cached(
                ("uii", name),
                lambda: apis.update_instance_information(instance.instance_id, instance.private_ip, region),
            )
            self._emit(second, agent, call, region)
            return
        if roll < 0.78:
            bucket = world.buckets["acme-eu-archive" if region == EU else "acme-customer-data"]
            write = rng.random() < 0.3
            key = self._object_key(bucket.name, second)
            call = apis.s3_object(
                "PutObject" if write else "GetObject", bucket, key, size=between(rng, 2_000, 4_000_000)
            )
            if region == EU:  # the batch host is private: S3 through the gateway endpoint
                actor = Actor(
                    actor.name,
                    actor.identity,
                    instance.private_ip,
                    actor.user_agent,
                    actor.arn,
                    vpc_endpoint="vpce-" + stable("vpce", region, length=17),
                )
            self._emit(second, actor, call, region)
            self._s3_kms(second, actor, call, region)
            return
        if roll < 0.86:
            secret = world.secrets[0] if region == HOME else world.secrets_in(EU)[1]
            arn = secret.arn(world.account)
            self._emit(
                second, actor, self._cached(("gsv", secret.name), lambda: apis.get_secret_value(secret.name)), region
            )
            self._secret_kms(second, actor, arn, region)
            return
        if roll < 0.93:
            app = "web" if region == HOME else "orders-api"
            names = [p for p in world.parameters if p.startswith(f"/acme/prod/{app}/")]
            self._emit(
                second,
                actor,
                self._cached(("gp", app), lambda: apis.get_parameters(names, region, decrypt=True)),
                region,
            )
            return
        if roll < 0.97:
            group = "/acme/web/app"
            stream = f"{instance.instance_id}/{self.ctx.clock.iso(second)[:10]}"
            self._emit(
                second,
                actor,
                apis.read("logs", "DescribeLogStreams", {"logGroupName": group, "logStreamNamePrefix": stream}),
                region,
            )
            return
        tags = self._cached(
            ("tags", name),
            lambda: apis.read(
                "ec2",
                "DescribeTags",
                {
                    "filterSet": {
                        "items": [{"name": "resource-id", "valueSet": {"items": [{"value": instance.instance_id}]}}]
                    }
                },
            ),
        )
        self._emit(second, actor, tags, region)

    def _cached(self, key: tuple[str, ...], make: Callable[[], Call]) -> Call:
        """A call whose parts never change, built once."""
        call = self._calls.get(key)
        if call is None:
            call = make()
            self._calls[key] = call
        return call

    def _agent_actor(self, actor: Actor) -> Actor:
        """The SSM agent's calls: the instance's credentials, the agent's user agent and TLS."""
        key = ("agent", actor.name, str(actor.identity["accessKeyId"]))
        cached = self._agents.get(key)
        if cached is None:
            if len(self._agents) > 1024:
                self._agents.clear()
            cached = Actor(actor.name, actor.identity, actor.source_ip, SSM_AGENT, actor.arn, tls="1.2")
            self._agents[key] = cached
        return cached

    def instance_credentials(self, second: int) -> None:
        """EC2 assumes each instance's role for it every six hours (an ``AWSService`` AssumeRole)."""
        epoch = second // (6 * HOUR)
        for instance in self.world.instances.values():
            if instance.role is None:
                continue
            key = stable_key_id("ASIA", "instance", instance.instance_id, epoch)
            call = self.apis.assume_role(
                second, self.world.role_arn(instance.role), instance.instance_id, key=key, duration=21600
            )
            self.ctx.call(second, self.company.service_actor("ec2.amazonaws.com"), call, instance.region)

    def _object_key(self, bucket: str, second: int) -> str:
        rng = self.rng
        patterns = self.world.buckets[bucket].key_patterns
        pattern = patterns[int(rng.random() * len(patterns))]
        day = second // DAY
        date = self._dates.get(day)
        if date is None:
            iso = self.ctx.clock.iso(second)
            date = (iso[:4], iso[5:7], iso[8:10])
            self._dates[day] = date
        return pattern.format(
            y=date[0],
            m=date[1],
            d=date[2],
            n=int(rng.random() * 5000) + 1,
            acct=self.ctx.account,
            fn="acme-internal-api",
        )

    def lambda_activity(self, second: int) -> None:
        """One invocation's AWS calls (and, every half hour or so, a new container's start-up calls)."""
        rng = self.rng
        world = self.world
        apis = self.apis
        name = LAMBDA_FUNCTIONS[bisect.bisect(LAMBDA_CUMULATIVE, rng.random())]
        fn = world.functions[name]
        container = second // 1800 * 4 + between(rng, 2)
        actor = self.company.function_actor(name, container, container)
        region = fn.region
        started = self._containers.get((name, container))
        if started is None:
            self._containers[(name, container)] = second
            assume = apis.assume_role(second - 1, world.role_arn(fn.role), name, key=actor.identity["accessKeyId"])
            self.ctx.call(second - 1, self.company.service_actor("lambda.amazonaws.com"), assume, region)
            stream = f"{self.ctx.clock.iso(second)[:10].replace('-', '/')}/[$LATEST]{self.ctx.tokens.hex(32)}"
            self._emit(
                second,
                actor,
                Call(
                    SERVICES["logs"],
                    "CreateLogStream",
                    False,
                    {"logGroupName": f"/aws/lambda/{name}", "logStreamName": stream},
                ),
                region,
            )
            secret = {
                "acme-public-webhook": "acme/prod/webhook-signing-key",
                "acme-internal-api": "acme/orders-db/credentials",
                "acme-eu-thumbnailer": "acme/eu/thumbnailer-token",
                "acme-partner-sync": "acme/prod/partner-sftp",
            }.get(name)
            if secret is not None:
                arn = next(s for s in world.secrets if s.name == secret).arn(world.account)
                self._emit(second + 1, actor, apis.get_secret_value(arn), region)
                self._secret_kms(second + 1, actor, arn, region)
            if name == "acme-internal-api":
                names = [p for p in world.parameters if p.startswith("/acme/prod/internal-api/")]
                self._emit(second + 1, actor, apis.get_parameters(names, region, decrypt=True), region)
            return
        if name == "acme-public-webhook":
            bucket = world.buckets["acme-customer-data"]
            call = apis.s3_object(
                "PutObject", bucket, f"incoming/webhooks/{self.ctx.tokens.uuid()}.json", size=between(rng, 300, 9000)
            )
        elif name == "acme-internal-api":
            bucket = world.buckets["acme-customer-data"]
            call = apis.s3_object(
                "GetObject", bucket, self._object_key(bucket.name, second), size=between(rng, 1000, 900_000)
            )
        elif name == "acme-eu-thumbnailer":
            bucket = world.buckets["acme-eu-archive"]
            n = between(rng, 1, 99999)
            iso = self.ctx.clock.iso(second)
            self._emit(
                second,
                actor,
                apis.s3_object(
                    "GetObject", bucket, f"uploads/{iso[:4]}/{iso[5:7]}/{n}.jpg", size=between(rng, 200_000, 6_000_000)
                ),
                region,
            )
            call = apis.s3_object("PutObject", bucket, f"thumbs/{n}.jpg", size=between(rng, 8_000, 60_000))
            second += between(rng, 1, 3)
            if rng.random() < 0.15:  # the original goes once its thumbnail exists
                upload = apis.s3_object("DeleteObject", bucket, f"uploads/{iso[:4]}/{iso[5:7]}/{n}.jpg")
                self._emit(second + 1, actor, upload, region)
        else:
            bucket = world.buckets["acme-customer-data"]
            call = (
                apis.s3_list_objects(bucket, "exports/")
                if rng.random() < 0.5
                else apis.s3_object(
                    "GetObject",
                    bucket,
                    f"exports/customers-{between(rng, 1, 400)}.parquet",
                    size=between(rng, 10_000, 2_000_000),
                )
            )
        self._emit(second, actor, call, region)
        self._s3_kms(second, actor, call, region)

    def nightly_report(self, second: int) -> None:
        """The nightly report Lambda: a secret, many report objects, one report written, the SES quota."""
        rng = self.rng
        world = self.world
        apis = self.apis
        name = "acme-nightly-report"
        container = second // 1800 * 4 + 3
        actor = self.company.function_actor(name, container, 0)
        region = HOME
        assume = apis.assume_role(
            second - 1, world.role_arn("acme-lambda-exec"), name, key=actor.identity["accessKeyId"]
        )
        self.ctx.call(second - 1, self.company.service_actor("lambda.amazonaws.com"), assume, region)
        secret = next(s for s in world.secrets if s.name == "acme/prod/reporting-db/readonly").arn(world.account)
        self._emit(second, actor, apis.get_secret_value(secret), region)
        self._secret_kms(second, actor, secret, region)
        bucket = world.buckets["acme-customer-data"]
        t = second + 2
        self._emit(t, actor, apis.s3_list_objects(bucket, "reports/"), region)
        for _ in range(self._report_objects):
            t += between(rng, 0, 2)
            call = apis.s3_object(
                "GetObject", bucket, self._object_key(bucket.name, second - DAY), size=between(rng, 5_000, 400_000)
            )
            self._emit(t, actor, call, region)
            self._s3_kms(t, actor, call, region)
        t += between(rng, 5, 30)
        iso = self.ctx.clock.iso(second)
        call = apis.s3_object("PutObject", bucket, f"reports/daily/{iso[:10]}.pdf", size=between(rng, 80_000, 900_000))
        self._emit(t, actor, call, region)
        self._s3_kms(t, actor, call, region)
        self._emit(t + 1, actor, apis.read("ses", "GetSendQuota"), region)

    # --- AWS services ----------------------------------------------------------------------------

    def service_activity(self, second: int) -> None:
        """AWS services at work: CloudTrail encrypting a log file, Config and Access Analyzer reading."""
        rng = self.rng
        roll = rng.random()
        world = self.world
        apis = self.apis
        if roll < 0.45:
            region = HOME if rng.random() < 0.55 else EU
            iso = self.ctx.clock.iso(second)
            stamp = iso[:16].replace("-", "").replace(":", "") + "Z"
            path = (
                f"arn:aws:s3:::{world.trail_bucket}/cloudtrail/AWSLogs/{world.account}/CloudTrail/{region}/"
                f"{iso[:4]}/{iso[5:7]}/{iso[8:10]}/{world.account}_CloudTrail_{region}_{stamp}_{self.ctx.tokens.text(16)}.json.gz"
            )
            trail = f"arn:aws:cloudtrail:{HOME}:{world.account}:trail/acme-org-trail"
            key_arn = world.kms_arn("acme-data")
            call = Call(
                SERVICES["kms"],
                "GenerateDataKey",
                True,
                {
                    "keyId": key_arn,
                    "encryptionContext": {"aws:cloudtrail:arn": trail, "aws:s3:arn": path},
                    "keySpec": "AES_256",
                },
                None,
                resources=self._cached(
                    ("kms-res", key_arn), lambda: apis.kms("Decrypt", key_arn, {}, key_spec=False)
                ).resources,
            )
            self._emit(second, self._cloudtrail, call, HOME)
            return
        if roll < 0.8:
            created = self.ctx.clock.iso(second - second % (HOUR))
            actor = self.company.service_role_actor(
                "acme-config-recorder", "AWSConfig-Describe", "config.amazonaws.com", created
            )
            calls = rng.choice(CONFIG_READS)(self, HOME)
            t = second
            for call in calls:
                error = self.rec.denied(actor, call, HOME) if rng.random() < 0.006 else None
                self._emit(t, actor, call, HOME, error)
                t += between(rng, 0, 2)
            return
        if roll < 0.93:
            created = self.ctx.clock.iso(second - second % (6 * HOUR))
            actor = self.company.service_role_actor(
                "AWSServiceRoleForAccessAnalyzer", "access-analyzer", "access-analyzer.amazonaws.com", created
            )
            bucket = rng.choice(list(world.buckets.values()))
            for call in (
                apis.s3_bucket_read(bucket, "GetBucketPolicyStatus", "policyStatus"),
                apis.s3_bucket_read(bucket, "GetBucketAcl", "acl"),
                apis.iam_read("GetRole", roleName=rng.choice([r.name for r in world.roles.values() if r.path == "/"])),
            ):
                self._emit(second, actor, call, bucket.region if call.service.key == "s3" else HOME)
            return
        created = self.ctx.clock.iso(second - second % (6 * HOUR))
        actor = self.company.service_role_actor(
            "AWSServiceRoleForAmazonGuardDuty", "AmazonGuardDuty", "guardduty.amazonaws.com", created
        )
        region = HOME if rng.random() < 0.6 else EU
        for name in ("DescribeInstances", "DescribeVpcEndpoints", "DescribeNetworkInterfaces"):
            self._emit(second, actor, apis.read("ec2", name), region)

    def patch_instances(self, second: int) -> None:
        """State Manager's weekly patch association: SendCommand AWS-RunPatchBaseline to the fleet."""
        world = self.world
        for region in (HOME, EU):
            ids = [i.instance_id for i in world.instances.values() if i.region == region and i.role]
            call, _ = self.apis.send_command(second, ids, "AWS-RunPatchBaseline", region)
            self.ctx.call(second, self.company.service_actor("ssm.amazonaws.com"), call, region)

    def kms_rotation_event(self, second: int) -> None:
        """KMS rotating a key on its own (an ``AwsServiceEvent``)."""
        arn = self.world.kms_arn("acme-data")
        call = Call(
            SERVICES["kms"],
            "RotateKey",
            False,
            None,
            None,
            resources=[{"accountId": self.ctx.account, "type": "AWS::KMS::Key", "ARN": arn}],
            event_type="AwsServiceEvent",
        )
        service = Actor(
            "kms",
            {"accountId": self.ctx.account, "invokedBy": "kms.amazonaws.com"},
            "kms.amazonaws.com",
            "kms.amazonaws.com",
            "",
            tls=None,
        )
        self.ctx.call(second, service, call, HOME)

    # --- vendors ---------------------------------------------------------------------------------

    def vendor_audit(self, second: int) -> None:
        """The CSPM vendor's nightly read-only sweep of every region through ``acme-vendor-audit``."""
        rng = self.rng
        apis = self.apis
        ctx = self.ctx
        ip = rng.choice(VENDOR_AUDIT_IPS)
        role_arn = self.world.role_arn("acme-vendor-audit")
        session = f"cspm-{ctx.clock.iso(second)[:10]}"
        key = ctx.tokens.session_key()
        caller = Actor(
            "vendor-audit",
            aws_account(VENDOR_ACCOUNT, unique_id("AIDA", "vendor", "scanner")),
            ip,
            VENDOR_AUDIT_UA,
            f"arn:aws:iam::{VENDOR_ACCOUNT}:user/scanner",
        )
        ctx.call(
            second,
            caller,
            apis.assume_role(second, role_arn, session, key=key),
            HOME,
            shared_event_id=ctx.tokens.uuid(),
        )
        actor = self.company.role_session_actor(
            "acme-vendor-audit", session, key=key, created=ctx.clock.iso(second), ip=ip, user_agent=VENDOR_AUDIT_UA
        )
        t = second + 3
        regional = (
            ("ec2", "DescribeInstances"),
            ("ec2", "DescribeSecurityGroups"),
            ("ec2", "DescribeVpcs"),
            ("ec2", "GetEbsEncryptionByDefault"),
            ("ec2", "DescribeFlowLogs"),
            ("ec2", "DescribeSnapshots"),
            ("lambda", "ListFunctions20150331"),
            ("cloudtrail", "DescribeTrails"),
            ("guardduty", "ListDetectors"),
            ("config", "DescribeConfigurationRecorders"),
            ("kms", "ListKeys"),
            ("secretsmanager", "ListSecrets"),
        )
        budget = self._audit_calls
        self._emit(t, actor, apis.read("ec2", "DescribeRegions"), HOME)
        for name in (
            "GetAccountAuthorizationDetails",
            "GetAccountPasswordPolicy",
            "ListUsers",
            "ListRoles",
            "GetAccountSummary",
            "GenerateCredentialReport",
        ):
            t += between(rng, 0, 2)
            self._emit(t, actor, apis.iam_read(name), HOME)
        budget -= 7
        denied_left = rng.choice((0, 1, 2))
        while budget > 0:
            for region in ALL_REGIONS:
                for service, name in regional:
                    if budget <= 0:
                        break
                    t += between(rng, 0, 2)
                    call = apis.read(service, name)
                    error = None
                    if denied_left and rng.random() < 0.01:
                        error = self.rec.denied(actor, call, region)
                        denied_left -= 1
                    self._emit(t, actor, call, region, error)
                    budget -= 1
            if budget > 0:  # then the details of what it found at home
                for bucket in self.world.buckets.values():
                    for name, sub in S3_BUCKET_READS[:6]:
                        if budget <= 0:
                            break
                        t += between(rng, 0, 2)
                        error = (
                            S3_NOT_CONFIGURED.get(name) if name not in S3_CONFIGURED.get(bucket.name, set()) else None
                        )
                        self._emit(t, actor, apis.s3_bucket_read(bucket, name, sub), bucket.region, error)
                        budget -= 1

    def vendor_backup(self, second: int) -> None:
        """The backup vendor snapshots the data volume and the orders database and shares both with itself."""
        rng = self.rng
        apis = self.apis
        ctx = self.ctx
        world = self.world
        ip = rng.choice(BACKUP_VENDOR_IPS)
        session = f"vault-sync-{ctx.tokens.hex(8)}"
        key = ctx.tokens.session_key()
        caller = Actor(
            "backup-vendor",
            aws_account(BACKUP_VENDOR_ACCOUNT, unique_id("AROA", "backup-vendor")),
            ip,
            BACKUP_VENDOR_UA,
            f"arn:aws:iam::{BACKUP_VENDOR_ACCOUNT}:role/vault-sync",
        )
        ctx.call(
            second,
            caller,
            apis.assume_role(second, world.role_arn("acme-vendor-backup"), session, key=key, external_id="acme-7f3c1d"),
            HOME,
            shared_event_id=ctx.tokens.uuid(),
        )
        actor = self.company.role_session_actor(
            "acme-vendor-backup", session, key=key, created=ctx.clock.iso(second), ip=ip, user_agent=BACKUP_VENDOR_UA
        )
        t = second + between(rng, 2, 6)
        call, snapshot = apis.create_snapshot(t, world.volumes["acme-data-encrypted"], "vault-sync nightly backup")
        self._emit(t, actor, call, HOME)
        t += between(rng, 2, 6)
        self._emit(t, actor, apis.create_tags(snapshot, {"vault-sync": "nightly"}), HOME)
        t += between(rng, 120, 400)
        self._emit(t, actor, apis.modify_snapshot_attribute(snapshot, add_user=BACKUP_VENDOR_ACCOUNT), HOME)
        self._emit(t + 2, actor, apis.read("ec2", "DescribeSnapshots"), HOME)
        old = "snap-" + stable("old-backup", second // DAY - 7, length=17)
        self._emit(t + 4, actor, apis.delete_snapshot(old), HOME)
        name = f"vault-sync-orders-{ctx.clock.iso(second)[:10]}"
        snapshot_call = apis.create_db_snapshot(name, "acme-orders-db")
        self._emit(t + 10, actor, snapshot_call, HOME)
        share = apis.share_db_snapshot(name, BACKUP_VENDOR_ACCOUNT)
        self._emit(t + 900 + between(rng, 300), actor, share, HOME)

    # --- admin chores ----------------------------------------------------------------------------

    def _admin(self, second: int, name: str = "carol") -> Actor:
        engineer = self.company.engineer(name)
        return self.company.engineer_actor(
            engineer,
            ip=engineer.office_ip,
            console=False,
            session_key=engineer.access_key(),
            created=self.ctx.clock.iso(second),
        )

    def rotate_own_key(self, second: int) -> None:
        """alice rotates her own access key (CreateAccessKey for herself, the old one deactivated, deleted)."""
        actor = self._admin(second, "alice")
        apis = self.apis
        new_key = stable_key_id("AKIA", "rotated", "alice", second // DAY)
        old_key = self.company.engineer("alice").access_key()
        self._emit(second, actor, apis.iam_read("ListAccessKeys", userName="alice"), HOME)
        self._emit(second + 4, actor, apis.create_access_key(second + 4, "alice", new_key), HOME)
        self._emit(second + 600, actor, apis.update_access_key("alice", old_key, "Inactive"), HOME)
        self._emit(second + 3 * DAY // 4, actor, apis.delete_access_key("alice", old_key), HOME)

    def onboard_engineer(self, second: int) -> None:
        """carol onboards a new engineer: a user in ``developers`` with a console password to change."""
        actor = self._admin(second)
        apis = self.apis
        user = f"new-hire-{stable('hire', second // DAY, length=4, alphabet='abcdefghijklmnopqrstuvwxyz')}"
        self._emit(second, actor, apis.create_user(second, user, {"team": "platform"}), HOME)
        self._emit(second + 5, actor, apis.add_user_to_group(user, "developers"), HOME)
        self._emit(second + 20, actor, apis.create_login_profile(second + 20, user, reset=True), HOME)

    def cloudtrail_selectors_change(self, second: int) -> None:
        """Terraform adds S3 data events for the customer bucket to the trail (management events kept)."""
        _oidc, actor, _key = self._runner_actor(second, "acme-terraform", "infra")
        call = self.apis.put_event_selectors("acme-org-trail", HOME, management=True, read_write="All", data=True)
        self._tf(second, actor, call, HOME)

    def guardduty_frequency_change(self, second: int) -> None:
        """Terraform sets GuardDuty's finding publishing frequency (the detector stays enabled)."""
        _oidc, actor, _key = self._runner_actor(second, "acme-terraform", "infra")
        call = self.apis.guardduty_update_detector(
            self.world.detector_ids[HOME], enable=True, frequency="FIFTEEN_MINUTES"
        )
        self._tf(second, actor, call, HOME)


__all__ = ["Benign", "Process"]
