"""Attack scenarios of impact, and a chain across tactics."""

from __future__ import annotations

from cloudward.lab.events.attacker import (
    ATTACKER_BROWSER,
    ATTACKER_IPS,
    BOTO_SCRIPT,
    CLI_V1_KALI,
    CYBERDUCK,
    PACU,
    TRUFFLEHOG,
    Attack,
    Scenario,
    registrar,
    stop_org_trail,
)
from cloudward.lab.events.clock import HOUR
from cloudward.lab.events.identities import Actor
from cloudward.lab.events.records import SERVICES, Call, Json
from cloudward.lab.events.tokens import stable, stable_key_id
from cloudward.lab.events.world import EU, HOME

# --- impact ----------------------------------------------------------------------------------------

SCENARIOS: dict[str, Scenario] = {}
scenario = registrar(SCENARIOS)


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
    a.recon(t, actor, a.read("ec2", "DescribeImages", {"imagesSet": {"items": [{"imageId": image}]}, "filterSet": {}}))
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
        a.write("account", "EnableRegion", {"regionName": "ap-east-1"}),
        HOME,
        phase="persistence",
    )
    for region in ("sa-east-1", "ap-southeast-1"):
        t = a.after(t, 30, 300)
        a.recon(t, actor, a.read("ec2", "DescribeAvailabilityZones"), region)
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
    a.recon(t, actor, a.apis.s3_list_object_versions(bucket))
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
    a.recon(t, actor, a.apis.s3_list_objects(bucket, ""))
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
    a.recon(t, actor, a.read("ec2", "DescribeImages"))
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
    a.console_sign_in(t, console)
    t = a.after(t, 60, 300)
    key = stable_key_id("AKIA", "chain-root", a.ctx.seed)
    a.call(t, console, a.apis.create_access_key(t, None, key), HOME, phase="persistence", user_agent=ATTACKER_BROWSER)
    api = a.root_actor(t, console=False, key=key)
    t = a.after(t, 300, 900)
    user = "support-automation"
    a.call(t, api, a.apis.create_user(t, user), HOME, phase="persistence")
    user_key = stable_key_id("AKIA", "chain-user", a.ctx.seed)
    t = a.after(t, 2, 20)
    a.call(t, api, a.apis.create_access_key(t, user, user_key), HOME, phase="persistence")
    t = a.after(t, 300, 900)
    a.call(t, api, stop_org_trail(a), HOME, phase="defense-evasion")
