"""Attack scenarios of credential access, execution and lateral movement."""

from __future__ import annotations

from cloudward.lab.events.attacker import BOTO_SCRIPT, Attack, Scenario, registrar
from cloudward.lab.events.clock import HOUR
from cloudward.lab.events.identities import Actor
from cloudward.lab.events.records import Json
from cloudward.lab.events.world import HOME

# --- credential access -----------------------------------------------------------------------------

SCENARIOS: dict[str, Scenario] = {}
scenario = registrar(SCENARIOS)


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
    a.recon(t, actor, a.read("secretsmanager", "ListSecrets"))
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
    a.recon(t, actor, a.read("secretsmanager", "ListSecrets"))
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
        a.recon(t, actor, a.read("ssm", "DescribeParameters", request))
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
        a.deny(t, actor, a.read("ec2", "GetPasswordData", {"instanceId": instance_id}), HOME)


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
    a.recon(t, actor, a.read("ssm", "DescribeInstanceInformation"))
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
    a.recon(t, actor, a.read("ssm", "DescribeInstanceInformation"))
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
        call = a.write(
            "ec2-instance-connect",
            "SendSSHPublicKey",
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
    call = a.write(
        "ec2-instance-connect",
        "SendSerialConsoleSSHPublicKey",
        {
            "instanceId": a.world.instances["acme-worker-1"].instance_id,
            "serialPort": 0,
            "monitorMode": False,
            "sSHPublicKey": SSH_KEY,
        },
        {"requestId": a.ctx.tokens.uuid(), "success": True},
    )
    a.call(t, actor, call, HOME)
