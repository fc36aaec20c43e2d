"""What a ``terraform plan`` of the company's infrastructure reads, resource by resource.

The AWS provider refreshes every managed resource on each plan, in parallel: an S3 bucket costs about
fifteen ``GetBucket*`` calls (those not configured answer ``NoSuch...`` errors), an instance its
attributes including ``userData``, a secret version its value, a SecureString parameter its decrypted
value. These reads are built once per workspace and replayed on every run.
"""

from __future__ import annotations

from collections.abc import Callable

from cloudward.lab.events.apis import Apis
from cloudward.lab.events.records import Call
from cloudward.lab.events.tokens import stable
from cloudward.lab.events.world import HOME, World

GITHUB_OIDC = "token.actions.githubusercontent.com"
Error = tuple[str, str]
Read = tuple[Call, "Error | None"]
Add = Callable[..., None]

S3_NOT_CONFIGURED: dict[str, Error] = {
    "GetBucketCors": ("NoSuchCORSConfiguration", "The CORS configuration does not exist"),
    "GetBucketWebsite": ("NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration"),
    "GetBucketReplication": ("ReplicationConfigurationNotFoundError", "The replication configuration was not found"),
    "GetBucketObjectLockConfiguration": (
        "ObjectLockConfigurationNotFoundError",
        "Object Lock configuration does not exist for this bucket",
    ),
    "GetBucketLifecycle": ("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"),
    "GetBucketTagging": ("NoSuchTagSet", "The TagSet does not exist"),
    "GetBucketPolicy": ("NoSuchBucketPolicy", "The bucket policy does not exist"),
}
S3_BUCKET_READS = (
    ("GetBucketPolicy", "policy"),
    ("GetBucketAcl", "acl"),
    ("GetBucketCors", "cors"),
    ("GetBucketWebsite", "website"),
    ("GetBucketVersioning", "versioning"),
    ("GetAccelerateConfiguration", "accelerate"),
    ("GetBucketRequestPayment", "requestPayment"),
    ("GetBucketLogging", "logging"),
    ("GetBucketLifecycle", "lifecycle"),
    ("GetBucketReplication", "replication"),
    ("GetBucketEncryption", "encryption"),
    ("GetBucketObjectLockConfiguration", "object-lock"),
    ("GetBucketTagging", "tagging"),
    ("GetBucketPublicAccessBlock", "publicAccessBlock"),
    ("GetBucketOwnershipControls", "ownershipControls"),
)
# Which of the sub-resources each bucket has configured (the others answer "not found").
S3_CONFIGURED = {
    "acme-customer-data": {"GetBucketPolicy", "GetBucketLifecycle", "GetBucketTagging"},
    "acme-access-logs": {"GetBucketPolicy", "GetBucketLifecycle"},
    "acme-public-website": {"GetBucketPolicy", "GetBucketWebsite"},
    "acme-eu-archive": set(),
    "acme-artifacts": {"GetBucketLifecycle", "GetBucketTagging"},
    "acme-terraform-state": {"GetBucketPolicy"},
}


def plan_reads(apis: Apis, world: World, region: str) -> list[Read]:
    """The reads of a ``terraform plan`` of the workspace managing ``region`` (and global IAM for home)."""
    reads: list[Read] = []

    def add(call: Call, error: Error | None = None) -> None:
        reads.append((call, error))

    _storage(apis, world, region, add)
    _network(apis, world, region, add)
    _compute(apis, world, region, add)
    _secrets(apis, world, region, add)
    if region == HOME:
        _home_services(apis, world, add)
        _iam(apis, world, add)
    _monitoring(apis, world, region, add)
    return reads


def _storage(apis: Apis, world: World, region: str, add: Add) -> None:
    for bucket in world.buckets.values():
        if bucket.region != region:
            continue
        configured = S3_CONFIGURED.get(bucket.name, set())
        add(apis.s3_bucket_read(bucket, "HeadBucket", "location"))
        for name, sub in S3_BUCKET_READS:
            error = S3_NOT_CONFIGURED.get(name) if name not in configured else None
            add(apis.s3_bucket_read(bucket, name, sub), error)


def _network(apis: Apis, world: World, region: str, add: Add) -> None:
    add(apis.read("ec2", "DescribeVpcs"))
    for attribute in ("enableDnsSupport", "enableDnsHostnames"):
        add(apis.read("ec2", "DescribeVpcAttribute", {"vpcId": world.vpcs[region], "attribute": attribute}))
    for name in (
        "DescribeSubnets",
        "DescribeRouteTables",
        "DescribeInternetGateways",
        "DescribeNetworkAcls",
        "DescribeFlowLogs",
        "DescribeInstanceTypes",
        "GetEbsEncryptionByDefault",
        "DescribeLaunchTemplates",
    ):
        add(apis.read("ec2", name))
    for group in world.security_groups.values():
        if group.region != region:
            continue
        request = {
            "securityGroupSet": {},
            "securityGroupIdSet": {"items": [{"groupId": group.group_id}]},
            "filterSet": {},
        }
        add(apis.read("ec2", "DescribeSecurityGroups", request))
        add(apis.security_group_rules(group.group_id))


def _compute(apis: Apis, world: World, region: str, add: Add) -> None:
    for instance in world.instances.values():
        if instance.region != region:
            continue
        request = {"instancesSet": {"items": [{"instanceId": instance.instance_id}]}, "filterSet": {}}
        add(apis.read("ec2", "DescribeInstances", request))
        for attribute in ("disableApiTermination", "instanceInitiatedShutdownBehavior", "userData", "disableApiStop"):
            add(apis.describe_instance_attribute(instance.instance_id, attribute))
        add(apis.read("ec2", "DescribeVolumes"))
    for function in world.functions.values():
        if function.region != region:
            continue
        for name in (
            "GetFunction20150331v2",
            "ListVersionsByFunction20150331",
            "GetFunctionCodeSigningConfig",
            "GetFunctionUrlConfig20211031",
        ):
            add(apis.lambda_read(name, function.name))
        error = None
        if function.name not in {"acme-public-webhook", "acme-nightly-report"}:
            error = ("ResourceNotFoundException", "The resource you requested does not exist.")
        add(apis.lambda_read("GetPolicy20150331v2", function.name), error)


def _secrets(apis: Apis, world: World, region: str, add: Add) -> None:
    for key_region, key_id in world.kms_keys.values():
        if key_region != region:
            continue
        for name in ("DescribeKey", "GetKeyRotationStatus", "ListResourceTags"):
            add(apis.read("kms", name, {"keyId": key_id}))
        add(apis.read("kms", "GetKeyPolicy", {"keyId": key_id, "policyName": "default"}))
        add(apis.read("kms", "ListAliases", {"keyId": key_id}))
    for secret in world.secrets_in(region)[:3]:
        arn = secret.arn(world.account)
        add(apis.read("secretsmanager", "DescribeSecret", {"secretId": arn}))
        add(apis.read("secretsmanager", "GetResourcePolicy", {"secretId": arn}))
        add(apis.read("secretsmanager", "GetSecretValue", {"secretId": arn, "versionStage": "AWSCURRENT"}))
    if region == HOME:
        for parameter in world.parameters[:8]:
            add(apis.get_parameter(parameter, decrypt=True))
            add(apis.read("ssm", "ListTagsForResource", {"resourceType": "Parameter", "resourceId": parameter}))


def _home_services(apis: Apis, world: World, add: Add) -> None:
    for db in world.db_instances:
        add(apis.read("rds", "DescribeDBInstances", {"dBInstanceIdentifier": db}))
        add(apis.read("rds", "ListTagsForResource", {"resourceName": f"arn:aws:rds:{HOME}:{world.account}:db:{db}"}))
    for name in ("DescribeConfigurationRecorders", "DescribeConfigurationRecorderStatus", "DescribeDeliveryChannels"):
        add(apis.read("config", name))
    for repo in world.ecr_repositories:
        add(apis.read("ecr", "DescribeRepositories", {"repositoryNames": [repo]}))
        missing = ("LifecyclePolicyNotFoundException", "Lifecycle policy does not exist for the repository")
        add(apis.read("ecr", "GetLifecyclePolicy", {"repositoryName": repo}), missing)
        add(apis.read("ecr", "GetRepositoryPolicy", {"repositoryName": repo}))
    zone = world.hosted_zone
    add(apis.read("route53", "GetHostedZone", {"id": zone}))
    add(apis.read("route53", "ListResourceRecordSets", {"hostedZoneId": zone}))
    add(apis.read("route53", "ListTagsForResource", {"resourceType": "hostedzone", "resourceId": zone}))
    for name in ("acme-web-alb", "acme-legacy-alb", "acme-tls-nlb"):
        arn = f"arn:aws:elasticloadbalancing:{HOME}:{world.account}:loadbalancer/app/{name}/{stable('lb', name)}"
        add(apis.read("elasticloadbalancing", "DescribeLoadBalancers", {"loadBalancerArns": [arn]}))
        add(apis.read("elasticloadbalancing", "DescribeLoadBalancerAttributes", {"loadBalancerArn": arn}))
        add(apis.read("elasticloadbalancing", "DescribeListeners", {"loadBalancerArn": arn}))


def _iam(apis: Apis, world: World, add: Add) -> None:
    for role in world.roles.values():
        if role.path != "/":
            continue
        add(apis.iam_read("GetRole", roleName=role.name))
        add(apis.iam_read("ListRolePolicies", roleName=role.name))
        add(apis.iam_read("ListAttachedRolePolicies", roleName=role.name))
    add(apis.iam_read("GetRolePolicy", roleName="acme-ec2-app", policyName="read-reports"))
    add(apis.iam_read("GetRolePolicy", roleName="acme-lambda-exec", policyName="app-access"))
    for user in world.users:
        add(apis.iam_read("GetUser", userName=user))
        add(apis.iam_read("ListAttachedUserPolicies", userName=user))
        if user in {"bob", "ci-deploy", "erin", "frank"}:
            missing = None if user == "bob" else ("NoSuchEntity", f"Login Profile for User {user} cannot be found.")
            add(apis.iam_read("GetLoginProfile", userName=user), missing)
    for policy in ("acme-full-admin", "acme-read-reports"):
        arn = f"arn:aws:iam::{world.account}:policy/{policy}"
        add(apis.iam_read("GetPolicy", policyArn=arn))
        add(apis.iam_read("GetPolicyVersion", policyArn=arn, versionId="v2"))
        add(apis.iam_read("ListPolicyVersions", policyArn=arn))
    add(apis.iam_read("GetGroup", groupName="developers"))
    add(apis.iam_read("GetInstanceProfile", instanceProfileName="acme-ec2-app"))
    provider = f"arn:aws:iam::{world.account}:oidc-provider/{GITHUB_OIDC}"
    add(apis.iam_read("GetOpenIDConnectProvider", openIDConnectProviderArn=provider))


def _monitoring(apis: Apis, world: World, region: str, add: Add) -> None:
    for trail, trail_region in world.trails.items():
        if trail_region != region:
            continue
        arn = f"arn:aws:cloudtrail:{region}:{world.account}:trail/{trail}"
        add(apis.read("cloudtrail", "DescribeTrails", {"trailNameList": [arn], "includeShadowTrails": False}))
        add(apis.read("cloudtrail", "GetTrailStatus", {"name": arn}))
        add(apis.read("cloudtrail", "GetEventSelectors", {"trailName": arn}))
        add(apis.read("cloudtrail", "ListTags", {"resourceIdList": [arn]}))
    add(apis.read("guardduty", "GetDetector", {"detectorId": world.detector_ids[region]}))
    add(apis.read("sns", "GetTopicAttributes", {"topicArn": f"arn:aws:sns:{region}:{world.account}:acme-alerts"}))
    queue = f"https://sqs.{region}.amazonaws.com/{world.account}/acme-orders"
    add(apis.read("sqs", "GetQueueAttributes", {"queueUrl": queue, "attributeNames": ["All"]}))
