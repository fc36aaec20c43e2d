"""Attack scenarios of initial access and defense evasion."""

from __future__ import annotations

from cloudward.lab.events.attacker import (
    ATTACKER_BROWSER,
    CLOUD_LOGS,
    SECURITY_TOOLS,
    Attack,
    Scenario,
    registrar,
    stop_org_trail,
    trail_arn,
)
from cloudward.lab.events.identities import Actor
from cloudward.lab.events.records import Json
from cloudward.lab.events.tokens import stable, stable_key_id, unique_id
from cloudward.lab.events.world import EU, HOME

# --- initial access --------------------------------------------------------------------------------

SCENARIOS: dict[str, Scenario] = {}
scenario = registrar(SCENARIOS)


def _console_reads(a: Attack, t: int, actor: Actor, *, key: bool) -> int:
    calls = (
        a.apis.iam_read("GetAccountSummary"),
        a.apis.iam_read("ListUsers"),
        a.apis.list_buckets(),
        a.read("ec2", "DescribeRegions"),
        a.read("secretsmanager", "ListSecrets"),
    )
    return a.calls(t, actor, calls, (2, 25), key=key, phase="discovery", user_agent=ATTACKER_BROWSER)


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
    a.console_sign_in(t, actor)
    t = _console_reads(a, t, actor, key=True)
    t = a.after(t, 30, 120)
    key = stable_key_id("AKIA", "root-key", a.ctx.seed)
    a.call(t, actor, a.apis.create_access_key(t, None, key), HOME, phase="persistence", user_agent=ATTACKER_BROWSER)


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
    t = a.calls(t, actor, [a.read("sts", "GetCallerIdentity"), a.apis.list_buckets()], (1, 20))
    t = a.calls(t, actor, [a.read("ec2", "DescribeInstances")], (1, 20))
    t = a.calls(t, actor, [a.read("ec2", "DescribeInstances")], (1, 20), EU)
    a.calls(t, actor, [a.apis.iam_read("ListUsers")], (1, 20))


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
    actor = a.console_user("bob", "bob-console", t)
    a.console_sign_in(t, actor)
    _console_reads(a, t, actor, key=False)


def _failed_identity(account: str, user: str | None) -> Json:
    if user is None:
        return {
            "type": "IAMUser",
            "accountId": account,
            "accessKeyId": "",
            "userName": "HIDDEN_DUE_TO_SECURITY_REASONS",
        }
    principal = unique_id("AIDA", "user", user)
    return {"type": "IAMUser", "principalId": principal, "accountId": account, "accessKeyId": "", "userName": user}


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
    a.recon(t, actor, a.read("cloudtrail", "DescribeTrails"))
    t = a.after(t, 2, 30)
    a.recon(t, actor, a.read("cloudtrail", "GetTrailStatus", {"name": trail_arn(a, "acme-org-trail")}))
    t = a.after(t, 5, 60)
    a.call(t, actor, stop_org_trail(a), HOME)


@scenario(
    "cloudtrail_delete_trail",
    CLOUD_LOGS,
    "defense-evasion",
    "The EU trail is deleted: cloudtrail DeleteTrail (requestParameters.name acme-eu-audit) in eu-west-1.",
)
def cloudtrail_delete_trail(a: Attack, t: int) -> None:
    """DeleteTrail."""
    actor = a.stolen_sso("dan", t)
    a.recon(t, actor, a.read("cloudtrail", "DescribeTrails"), EU)
    t = a.after(t, 10, 90)
    a.call(t, actor, a.write("cloudtrail", "DeleteTrail", {"name": "acme-eu-audit"}), EU)


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
    a.recon(t, actor, a.read("cloudtrail", "GetEventSelectors", {"trailName": "acme-org-trail"}))
    t = a.after(t, 10, 60)
    call = a.apis.put_event_selectors("acme-org-trail", HOME, management=False, read_write="ReadOnly", data=False)
    a.call(t, actor, call, HOME)


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
    bucket = f"aws-logs-archive-{stable('bucket', a.ctx.seed, length=6)}"
    a.call(t, actor, a.apis.update_trail("acme-org-trail", HOME, bucket), HOME)


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
    a.recon(t, actor, a.apis.s3_bucket_read(bucket, "GetBucketLifecycle", "lifecycle"))
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
        a.recon(t, actor, a.read("guardduty", "ListDetectors"), region)
        t = a.after(t, 3, 30)
        a.call(t, actor, a.write("guardduty", "DeleteDetector", {"detectorId": a.world.detector_ids[region]}), region)
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
    a.recon(t, actor, a.read("guardduty", "GetDetector", {"detectorId": detector}))
    ip_list = f"https://s3.amazonaws.com/ops-lists-{stable('ipset', a.ctx.seed, length=6)}/vpn.txt"
    ip_set = {"detectorId": detector, "name": "corp-vpn", "format": "TXT", "location": ip_list, "activate": True}
    archive = {"detectorId": detector, "name": "suppress-noise", "action": "ARCHIVE", "rank": 1}
    archive["findingCriteria"] = {"criterion": {"severity": {"gte": 0}}}
    calls = (
        a.write("guardduty", "CreateIPSet", ip_set, {"ipSetId": stable("ipset-id", a.ctx.seed, length=32)}),
        a.write("guardduty", "CreateFilter", archive, {"name": "suppress-noise"}),
        a.apis.guardduty_update_detector(detector, enable=False, frequency=None),
    )
    a.calls(t, actor, calls, (5, 40))


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
    a.recon(t, actor, a.read("config", "DescribeConfigurationRecorders"))
    calls = [
        a.apis.config_write(name, field, "default")
        for name, field in (
            ("StopConfigurationRecorder", "configurationRecorderName"),
            ("DeleteDeliveryChannel", "deliveryChannelName"),
            ("DeleteConfigurationRecorder", "configurationRecorderName"),
        )
    ]
    a.calls(t, actor, calls, (3, 40))


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
    a.recon(t, actor, a.read("ec2", "DescribeFlowLogs"))
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
    a.recon(t, actor, a.read("route53resolver", "ListResolverQueryLogConfigs"))
    t = a.after(t, 5, 30)
    association = {
        "id": "rqlca-" + stable("rqlca", a.ctx.seed, length=17),
        "resolverQueryLogConfigId": config_id,
        "resourceId": a.world.vpcs[HOME],
        "status": "DELETING",
    }
    request = {"resolverQueryLogConfigId": config_id, "resourceId": a.world.vpcs[HOME]}
    response = {"resolverQueryLogConfigAssociation": association}
    a.call(t, actor, a.write("route53resolver", "DisassociateResolverQueryLogConfig", request, response))
    t = a.after(t, 20, 90)
    deleted: Json = {
        "id": config_id,
        "ownerId": a.account,
        "status": "DELETING",
        "shareStatus": "NOT_SHARED",
        "associationCount": 0,
        "arn": f"arn:aws:route53resolver:{HOME}:{a.account}:resolver-query-log-config/{config_id}",
        "name": "acme-prod-dns-logs",
        "destinationArn": "arn:aws:s3:::acme-access-logs",
    }
    request = {"resolverQueryLogConfigId": config_id}
    response = {"resolverQueryLogConfig": deleted}
    a.call(t, actor, a.write("route53resolver", "DeleteResolverQueryLogConfig", request, response))


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
    a.recon(t, actor, a.read("organizations", "DescribeOrganization"))
    t = a.after(t, 5, 40)
    call = a.write("organizations", "LeaveOrganization", None)
    message = (
        f"User: {actor.arn} is not authorized to perform: organizations:LeaveOrganization on resource: * "
        "with an explicit deny in a service control policy"
    )
    a.call(t, actor, call, HOME, error=("AccessDenied", message))
