"""The AWS collector against the seeded lab: every type, every supplement, real botocore over HTTP.

One full collection per module (all of ALL_SPECS with all supplements, both lab regions); the tests
then assert per resource type that the seeded resources are there with the attributes the checks
read. Names are compared as sets. moto's own defaults (default VPCs, their security groups, instance
root volumes) are filtered out by name or tag where they would otherwise be counted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from cloudward.inventory import Inventory, Resource, UnknownAttributeError
from cloudward.inventory.attrs import dumps, parse_time
from cloudward.lab import LAB_ACCOUNT_ID, LAB_CREDENTIALS
from cloudward.lab.seed import LAB_REGIONS, REPORT_DB_PASSWORD, WEBHOOK_SECRET, SeedSummary
from cloudward.lab.seeders.identity import FAKE_ACCESS_KEY_ID
from cloudward.providers.aws.clients import Boto3Clients
from cloudward.providers.aws.collector import AwsCollector
from cloudward.providers.aws.specs import ALL_SPECS
from cloudward.providers.aws.specs.accessanalyzer import ANALYZER

ALL_NEEDS = {type_name: frozenset(spec.supplements) for type_name, spec in ALL_SPECS.items()}
READ_PREFIXES = ("Describe", "Get", "List")


@dataclass(frozen=True)
class Collected:
    inventory: Inventory
    calls: list[tuple[str, str, str, str]]


@pytest.fixture(scope="module")
def collected(lab_endpoint: str) -> Collected:
    clients = Boto3Clients(endpoint_url=lab_endpoint, credentials=LAB_CREDENTIALS, region="us-east-1", max_attempts=2)
    calls: list[tuple[str, str, str, str]] = []

    def record(service: str, region: str, operation: str, params: Mapping[str, Any]) -> None:
        # The hook receives botocore's serialized request (url, query, body carry the API parameters);
        # keep only those, as the user agent's feature flags may differ between identical calls.
        request = {key: params[key] for key in ("method", "url", "query_string", "body") if key in params}
        calls.append((service, region, operation, json.dumps(request or dict(params), sort_keys=True, default=str)))

    clients.add_call_hook(record)
    inventory = AwsCollector(clients, ALL_SPECS).collect(ALL_NEEDS, LAB_REGIONS)
    return Collected(inventory, calls)


@pytest.fixture(scope="module")
def inventory(collected: Collected) -> Inventory:
    return collected.inventory


def by_name(inventory: Inventory, resource_type: str) -> dict[str, Resource]:
    return {resource.name: resource for resource in inventory.of_type(resource_type)}


def acme(inventory: Inventory, resource_type: str) -> dict[str, Resource]:
    return {name: resource for name, resource in by_name(inventory, resource_type).items() if name.startswith("acme")}


def test_the_lab_collects_without_errors(inventory: Inventory) -> None:
    # the only gaps are moto's: it does not implement Access Analyzer's ListAnalyzers (HTTP 500 in every
    # region), and its credential report has no <root_account> row
    assert [(e.resource_type, e.region, e.operation, e.code, e.supplement) for e in inventory.errors] == [
        (ANALYZER, "eu-west-1", "list_analyzers", "500", ""),
        (ANALYZER, "us-east-1", "list_analyzers", "500", ""),
        ("AWS::::Account", "global", "get_credential_report", "Missing", "CredentialReport"),
    ]
    assert inventory.account_id == LAB_ACCOUNT_ID
    assert inventory.regions == LAB_REGIONS
    # every other type is there; the analyzers' failed listing is Unknown, never an empty list
    assert set(ALL_SPECS) - {ANALYZER} <= inventory.types()
    for region in LAB_REGIONS:
        with pytest.raises(UnknownAttributeError, match=f"500: accessanalyzer:list_analyzers in {region}"):
            inventory.of_type(ANALYZER, region)


def _never(resource: Resource) -> bool:
    return False


def test_every_type_seeded_is_found_in_the_number_seeded(inventory: Inventory, lab_seed: SeedSummary) -> None:
    moto_defaults: dict[str, Callable[[Resource], bool]] = {
        "AWS::EC2::SecurityGroup": lambda r: r.name == "default",
        "AWS::EC2::VPC": lambda r: r.configuration["IsDefault"],
        "AWS::EC2::Volume": lambda r: "Name" not in r.tags,  # instance root volumes
        "AWS::EC2::NetworkAcl": lambda r: r.configuration["IsDefault"],  # one per VPC, acme-prod's too
    }
    # seeded, but no spec lists them as resources of their own: the Config recorder is a Region
    # supplement (tested below), budgets are the Budgets supplement of AWS::::Budgets (counted here),
    # and the ACM certificate, the log group and the WAF web ACL are not collected as resources
    assert set(lab_seed.counts) - set(ALL_SPECS) == {
        "AWS::Config::ConfigurationRecorder",
        "AWS::Budgets::Budget",
        "AWS::CertificateManager::Certificate",
        "AWS::Logs::LogGroup",
        "AWS::WAFv2::WebACL",
    }
    (budgets,) = inventory.of_type("AWS::::Budgets")
    budget_names = [budget["BudgetName"] for budget in budgets.supplement("Budgets")]
    assert len(budget_names) == lab_seed.counts["AWS::Budgets::Budget"]
    assert set(budget_names) == {"acme-monthly-cost", "acme-sandbox-usage"}
    for resource_type, count in lab_seed.counts.items():
        if resource_type not in ALL_SPECS:
            continue
        is_default = moto_defaults.get(resource_type, _never)
        seeded = [r for r in inventory.of_type(resource_type) if not is_default(r)]
        assert len(seeded) == count, resource_type


def test_account_settings(inventory: Inventory) -> None:
    (account,) = inventory.of_type("AWS::::Account")
    assert account.arn == f"arn:aws:iam::{LAB_ACCOUNT_ID}:root"
    assert account.supplement("AccountSummary")["AccountMFAEnabled"] == 0
    assert account.supplement("PasswordPolicy")["MinimumPasswordLength"] == 8
    # read through s3control (the endpoint host fix), and not set in the lab
    assert account.supplement("S3PublicAccessBlock") == {
        "BlockPublicAcls": False,
        "IgnorePublicAcls": False,
        "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False,
    }
    # moto's credential report has no <root_account> row: the root's row is Unknown, not a default
    with pytest.raises(UnknownAttributeError, match="root_account"):
        account.supplement("CredentialReport")


def test_regions(inventory: Inventory) -> None:
    regions = by_name(inventory, "AWS::::Region")
    assert set(regions) == set(LAB_REGIONS)
    home, eu = regions["us-east-1"], regions["eu-west-1"]
    assert home.supplement("EbsEncryptionByDefault") is True
    assert eu.supplement("EbsEncryptionByDefault") is False
    (recorder,) = home.supplement("ConfigurationRecorders")
    assert recorder["recordingGroup"]["allSupported"] is True
    assert [status["recording"] for status in home.supplement("ConfigurationRecorderStatus")] == [True]
    assert eu.supplement("ConfigurationRecorders") == []
    assert eu.supplement("ConfigurationRecorderStatus") == []


def test_buckets(inventory: Inventory) -> None:
    buckets = by_name(inventory, "AWS::S3::Bucket")
    assert {(name, b.region) for name, b in buckets.items()} == {
        ("acme-public-website", "us-east-1"),
        ("acme-customer-data", "us-east-1"),
        ("acme-access-logs", "us-east-1"),
        ("acme-eu-archive", "eu-west-1"),
        ("acme-legacy-trail-logs", "us-east-1"),
        ("acme-audit-archive", "us-east-1"),
    }
    all_users_read = {
        "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
        "Permission": "READ",
    }
    site = buckets["acme-public-website"]
    grants = site.supplement("AccessControlList")["Grants"]
    assert all_users_read in grants
    assert [s["Principal"] for s in site.supplement("BucketPolicy")["Statement"]] == ["*"]
    assert not any(site.supplement("PublicAccessBlockConfiguration").values())
    assert site.supplement("ServerSideEncryptionConfiguration") is None

    data = buckets["acme-customer-data"]
    assert all(data.supplement("PublicAccessBlockConfiguration").values())
    (rule,) = data.supplement("ServerSideEncryptionConfiguration")["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"].startswith("arn:aws:kms:us-east-1:")
    assert data.supplement("BucketVersioningConfiguration")["Status"] == "Enabled"
    assert data.supplement("BucketLoggingConfiguration")["TargetBucket"] == "acme-access-logs"
    (deny,) = data.supplement("BucketPolicy")["Statement"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}

    logs = buckets["acme-access-logs"]
    assert all(logs.supplement("PublicAccessBlockConfiguration").values())
    assert logs.supplement("BucketLoggingConfiguration") is None

    archive = buckets["acme-eu-archive"]
    assert archive.supplement("ServerSideEncryptionConfiguration") is None
    assert archive.supplement("BucketVersioningConfiguration") == {"Status": "Off", "MFADelete": "Disabled"}
    assert archive.supplement("BucketPolicy") is None
    assert not any(archive.supplement("PublicAccessBlockConfiguration").values())

    # the legacy trail's bucket: public-read, no Block Public Access, but access-logged
    legacy = buckets["acme-legacy-trail-logs"]
    assert all_users_read in legacy.supplement("AccessControlList")["Grants"]
    assert not any(legacy.supplement("PublicAccessBlockConfiguration").values())
    assert legacy.supplement("BucketLoggingConfiguration") == {
        "TargetBucket": "acme-access-logs",
        "TargetPrefix": "acme-legacy-trail-logs/",
    }
    assert {(s["Sid"], s["Principal"]["Service"]) for s in legacy.supplement("BucketPolicy")["Statement"]} == {
        ("AWSCloudTrailAclCheck", "cloudtrail.amazonaws.com"),
        ("AWSCloudTrailWrite", "cloudtrail.amazonaws.com"),
    }


def _ingress(group: Resource) -> set[tuple[str, int | None, int | None, str]]:
    return {
        (rule["IpProtocol"], rule.get("FromPort"), rule.get("ToPort"), cidr)
        for rule in group.configuration["IpPermissions"]
        for cidr in [r["CidrIp"] for r in rule["IpRanges"]] + [r["CidrIpv6"] for r in rule["Ipv6Ranges"]]
    }


def test_security_groups(inventory: Inventory) -> None:
    groups = acme(inventory, "AWS::EC2::SecurityGroup")
    assert {(name, g.region) for name, g in groups.items()} == {
        ("acme-ssh-open", "us-east-1"),
        ("acme-db-open", "us-east-1"),
        ("acme-all-open", "us-east-1"),
        ("acme-web", "us-east-1"),
        ("acme-bastion", "us-east-1"),
        ("acme-eu-rdp-open", "eu-west-1"),
        ("acme-eu-internal", "eu-west-1"),
    }
    assert _ingress(groups["acme-ssh-open"]) == {("tcp", 22, 22, "0.0.0.0/0")}
    assert _ingress(groups["acme-eu-rdp-open"]) == {("tcp", 3389, 3389, "::/0")}
    assert _ingress(groups["acme-db-open"]) == {("tcp", 5432, 5432, "0.0.0.0/0")}
    assert _ingress(groups["acme-all-open"]) == {("-1", None, None, "0.0.0.0/0")}
    # the well-restricted ones: only HTTPS is open to the world, SSH only from the office range
    assert _ingress(groups["acme-web"]) == {("tcp", 443, 443, "0.0.0.0/0")}
    assert _ingress(groups["acme-bastion"]) == {("tcp", 22, 22, "203.0.113.0/24")}


def test_instances(inventory: Inventory) -> None:
    instances = by_name(inventory, "AWS::EC2::Instance")
    assert set(instances) == {"acme-web-1", "acme-worker-1"}
    web, worker = instances["acme-web-1"].configuration, instances["acme-worker-1"].configuration
    assert web["MetadataOptions"]["HttpTokens"] == "optional"
    assert web["PublicIpAddress"]
    assert web["IamInstanceProfile"]["Arn"].endswith(":instance-profile/acme-ec2-app")
    assert {g["GroupName"] for g in web["SecurityGroups"]} == {"acme-web", "acme-ssh-open"}
    assert worker["MetadataOptions"]["HttpTokens"] == "required"
    assert "PublicIpAddress" not in worker
    assert {g["GroupName"] for g in worker["SecurityGroups"]} == {"acme-bastion"}


def test_volumes(inventory: Inventory) -> None:
    volumes = {name: v.configuration for name, v in acme(inventory, "AWS::EC2::Volume").items()}
    assert {name: v["Encrypted"] for name, v in volumes.items()} == {
        "acme-data-encrypted": True,
        "acme-scratch": False,
    }
    assert volumes["acme-data-encrypted"]["KmsKeyId"].startswith("arn:aws:kms:us-east-1:")


def test_vpcs_and_flow_logs(inventory: Inventory) -> None:
    vpcs = inventory.of_type("AWS::EC2::VPC")
    flow_logged = {(v.name, v.region) for v in vpcs if v.supplement("FlowLogs")}
    assert flow_logged == {("acme-prod", "us-east-1")}
    defaults = {v.region for v in vpcs if v.configuration["IsDefault"]}
    assert defaults == set(LAB_REGIONS)
    (flow_log,) = next(v for v in vpcs if v.name == "acme-prod").supplement("FlowLogs")
    assert flow_log["TrafficType"] == "ALL"


def test_iam_users(inventory: Inventory) -> None:
    users = by_name(inventory, "AWS::IAM::User")
    assert set(users) == {"alice", "bob", "ci-deploy", "carol", "erin", "frank", "dave", "grace", "heidi"}
    assert [d["UserName"] for d in users["alice"].supplement("MFADevices")] == ["alice"]
    assert users["bob"].supplement("MFADevices") == []
    assert users["bob"].supplement("LoginProfile")["UserName"] == "bob"
    assert users["ci-deploy"].supplement("LoginProfile") is None
    assert [p["PolicyName"] for p in users["carol"].configuration["AttachedManagedPolicies"]] == ["AdministratorAccess"]
    assert [p["PolicyName"] for p in users["frank"].configuration["UserPolicyList"]] == ["frank-reports-upload"]
    assert {name: u.configuration["GroupList"] for name, u in users.items()} == {
        "alice": ["developers"],
        "bob": ["developers"],
        "ci-deploy": [],
        "carol": [],
        "erin": ["developers"],
        "frank": [],
        **{name: [] for name in ("dave", "grace", "heidi")},
    }
    assert {name: sorted(k["Status"] for k in u.supplement("AccessKeys")) for name, u in users.items()} == {
        "alice": [],
        "bob": ["Active"],
        "ci-deploy": ["Active"],
        "carol": [],
        "erin": ["Active", "Active"],
        "frank": ["Active", "Inactive"],
        **{name: [] for name in ("dave", "grace", "heidi")},
    }
    report = {name: u.supplement("CredentialReport") for name, u in users.items()}
    assert {name: row["mfa_active"] for name, row in report.items()} == {
        "alice": "true",
        "bob": "false",
        "ci-deploy": "false",
        "carol": "true",
        "erin": "false",
        "frank": "false",
        **dict.fromkeys(("dave", "grace", "heidi"), "false"),
    }
    assert {name: row["password_enabled"] for name, row in report.items()} == {
        "alice": "true",
        "bob": "true",
        "ci-deploy": "false",
        "carol": "true",
        "erin": "false",
        "frank": "false",
        **dict.fromkeys(("dave", "grace", "heidi"), "false"),
    }


def _days_before(inventory: Inventory, timestamp: str) -> float:
    return (inventory.collected_at - parse_time(timestamp)) / timedelta(days=1)


def test_aged_access_keys_are_old_in_the_credential_report(inventory: Inventory) -> None:
    users = by_name(inventory, "AWS::IAM::User")
    bob = users["bob"].supplement("CredentialReport")
    assert bob["access_key_1_active"] == "true"
    assert 399 < _days_before(inventory, bob["access_key_1_last_rotated"]) < 401
    assert 1 < _days_before(inventory, bob["access_key_1_last_used_date"]) < 3
    ci = users["ci-deploy"].supplement("CredentialReport")
    assert 199 < _days_before(inventory, ci["access_key_1_last_rotated"]) < 201
    assert ci["access_key_1_last_used_date"] == "N/A"
    # ListAccessKeys agrees with the report
    (key,) = users["bob"].supplement("AccessKeys")
    assert 399 < _days_before(inventory, key["CreateDate"]) < 401


def test_iam_roles_and_their_trust(inventory: Inventory) -> None:
    roles = by_name(inventory, "AWS::IAM::Role")
    assert set(roles) == {
        "acme-public-trust",
        "acme-vendor-audit",
        "acme-vendor-backup",
        "acme-ec2-app",
        "acme-lambda-exec",
        "acme-config-recorder",
        "acme-support",
        "acme-cloudtrail-logs",
        "acme-ops",  # privesc seeder
        "acme-build",
    }

    def trust(name: str) -> dict[str, Any]:
        (statement,) = roles[name].configuration["AssumeRolePolicyDocument"]["Statement"]
        return dict(statement)

    assert trust("acme-public-trust")["Principal"] == {"AWS": "*"}
    assert "Condition" not in trust("acme-public-trust")
    assert trust("acme-vendor-audit")["Principal"] == {"AWS": "arn:aws:iam::999988887777:root"}
    assert "Condition" not in trust("acme-vendor-audit")
    assert trust("acme-vendor-backup")["Condition"] == {"StringEquals": {"sts:ExternalId": "acme-7f3c1d"}}
    assert trust("acme-ec2-app")["Principal"] == {"Service": "ec2.amazonaws.com"}
    assert [p["PolicyName"] for p in roles["acme-vendor-audit"].configuration["AttachedManagedPolicies"]] == [
        "acme-full-admin"
    ]
    assert [p["Arn"] for p in roles["acme-ec2-app"].configuration["InstanceProfileList"]] == [
        f"arn:aws:iam::{LAB_ACCOUNT_ID}:instance-profile/acme-ec2-app"
    ]
    # the support role: the account itself, with MFA, and AWS's managed support policy
    assert trust("acme-support")["Principal"] == {"AWS": f"arn:aws:iam::{LAB_ACCOUNT_ID}:root"}
    assert trust("acme-support")["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    assert [p["PolicyArn"] for p in roles["acme-support"].configuration["AttachedManagedPolicies"]] == [
        "arn:aws:iam::aws:policy/AWSSupportAccess"
    ]
    assert trust("acme-cloudtrail-logs")["Principal"] == {"Service": "cloudtrail.amazonaws.com"}


def test_iam_policies_and_groups(inventory: Inventory) -> None:
    policies = by_name(inventory, "AWS::IAM::Policy")
    assert set(policies) == {"acme-full-admin", "acme-read-reports", "acme-build-policy"}

    def default_document(name: str) -> dict[str, Any]:
        versions = policies[name].configuration["PolicyVersionList"]
        return dict(next(v for v in versions if v["IsDefaultVersion"])["Document"])

    assert default_document("acme-full-admin")["Statement"] == [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
    (least,) = default_document("acme-read-reports")["Statement"]
    assert least["Action"] == ["s3:GetObject"]
    groups = by_name(inventory, "AWS::IAM::Group")
    assert set(groups) == {"developers"}
    assert [p["PolicyName"] for p in groups["developers"].configuration["AttachedManagedPolicies"]] == [
        "acme-read-reports"
    ]


def test_trails(inventory: Inventory) -> None:
    trails = by_name(inventory, "AWS::CloudTrail::Trail")
    assert {(name, t.region) for name, t in trails.items()} == {
        ("acme-org-trail", "us-east-1"),
        ("acme-eu-audit", "eu-west-1"),
        ("acme-legacy-trail", "us-east-1"),
    }
    org, eu, legacy = trails["acme-org-trail"], trails["acme-eu-audit"], trails["acme-legacy-trail"]
    assert org.configuration["IsMultiRegionTrail"] is True
    assert org.configuration["LogFileValidationEnabled"] is True
    assert org.configuration["KmsKeyId"].startswith("arn:aws:kms:us-east-1:")
    assert org.supplement("TrailStatus")["IsLogging"] is True
    assert org.configuration["CloudWatchLogsLogGroupArn"] == (
        f"arn:aws:logs:us-east-1:{LAB_ACCOUNT_ID}:log-group:acme-cloudtrail:*"
    )
    assert org.configuration["CloudWatchLogsRoleArn"] == f"arn:aws:iam::{LAB_ACCOUNT_ID}:role/acme-cloudtrail-logs"
    assert eu.configuration["IsMultiRegionTrail"] is False
    assert eu.configuration["LogFileValidationEnabled"] is False
    assert "KmsKeyId" not in eu.configuration
    assert eu.supplement("TrailStatus")["IsLogging"] is False
    assert legacy.configuration["S3BucketName"] == "acme-legacy-trail-logs"
    assert legacy.configuration["IsMultiRegionTrail"] is False
    assert legacy.configuration["LogFileValidationEnabled"] is False
    assert "KmsKeyId" not in legacy.configuration
    assert legacy.supplement("TrailStatus")["IsLogging"] is False


def test_kms_keys(inventory: Inventory) -> None:
    keys = {k.supplement("KeyMetadata")["Description"]: k for k in inventory.of_type("AWS::KMS::Key")}
    assert {(desc, k.region, k.supplement("KeyRotationEnabled")) for desc, k in keys.items()} == {
        ("acme-data key", "us-east-1", True),
        ("acme-legacy key", "us-east-1", False),
        ("acme-eu-data key", "eu-west-1", True),
    }
    assert {k.supplement("KeyMetadata")["KeyManager"] for k in keys.values()} == {"CUSTOMER"}


def test_rds_instances(inventory: Inventory) -> None:
    databases = {name: d.configuration for name, d in by_name(inventory, "AWS::RDS::DBInstance").items()}
    assert set(databases) == {"acme-legacy-db", "acme-orders-db"}
    legacy, orders = databases["acme-legacy-db"], databases["acme-orders-db"]
    assert (legacy["PubliclyAccessible"], legacy["StorageEncrypted"], legacy["Engine"]) == (True, False, "postgres")
    assert (orders["PubliclyAccessible"], orders["StorageEncrypted"]) == (False, True)
    assert orders["BackupRetentionPeriod"] == 7
    assert orders["DeletionProtection"] is True


def test_lambda_functions(inventory: Inventory) -> None:
    functions = by_name(inventory, "AWS::Lambda::Function")
    assert {(name, f.region) for name, f in functions.items()} == {
        ("acme-public-webhook", "us-east-1"),
        ("acme-internal-api", "us-east-1"),
        ("acme-nightly-report", "us-east-1"),
        ("acme-eu-thumbnailer", "eu-west-1"),
        ("acme-legacy-etl", "us-east-1"),
        ("acme-partner-sync", "us-east-1"),
    }
    assert {name: f.configuration["Runtime"] for name, f in functions.items()} == {
        "acme-public-webhook": "python3.12",
        "acme-internal-api": "python3.12",
        "acme-nightly-report": "python3.12",
        "acme-eu-thumbnailer": "python3.12",
        "acme-legacy-etl": "python3.8",
        "acme-partner-sync": "python3.12",
    }
    urls = {name: (f.supplement("FunctionUrlConfig") or {}).get("AuthType") for name, f in functions.items()}
    assert urls == {
        "acme-public-webhook": "NONE",
        "acme-internal-api": "AWS_IAM",
        "acme-nightly-report": None,
        "acme-eu-thumbnailer": None,
        "acme-legacy-etl": None,
        "acme-partner-sync": None,
    }
    principals = {
        name: [s["Principal"] for s in (f.supplement("Policy") or {}).get("Statement", [])]
        for name, f in functions.items()
    }
    assert principals == {
        "acme-public-webhook": ["*"],
        "acme-internal-api": [],
        "acme-nightly-report": [{"Service": "events.amazonaws.com"}],
        "acme-eu-thumbnailer": [],
        "acme-legacy-etl": [],
        "acme-partner-sync": [],
    }


def test_lambda_environment_values_are_redacted(inventory: Inventory) -> None:
    functions = by_name(inventory, "AWS::Lambda::Function")

    def detectors(function: str) -> dict[str, list[str]]:
        variables = functions[function].configuration["Environment"]["Variables"]
        assert all(set(record) == {"length", "findings"} for record in variables.values())
        return {name: [f["detector"] for f in record["findings"]] for name, record in variables.items()}

    assert detectors("acme-nightly-report") == {"DB_PASSWORD": ["generic-password"]}
    assert detectors("acme-public-webhook") == {"WEBHOOK_SECRET": ["generic-secret"]}
    # the made-up access key id in acme-partner-sync is recognised as one, and kept out like the rest
    assert detectors("acme-partner-sync") == {"PARTNER_AWS_ACCESS_KEY_ID": ["aws-access-key"], "PARTNER_BUCKET": []}
    everything = b"".join(dumps(dict(r.attrs)) for r in inventory)
    assert WEBHOOK_SECRET.encode() not in everything and REPORT_DB_PASSWORD.encode() not in everything
    assert FAKE_ACCESS_KEY_ID.encode() not in everything


def test_a_full_collection_is_read_only(collected: Collected) -> None:
    """Every call a full scan issues is a read, and no identical call is made twice."""
    operations = {operation for _, _, operation, _ in collected.calls}
    # the hook saw the whole scan: every listing and the multi-step credential report
    assert {
        "GetCallerIdentity",
        "ListBuckets",
        "GetAccountAuthorizationDetails",
        "DescribeInstances",
        "ListKeys",
        "DescribeTrails",
        "DescribeDBInstances",
        "ListFunctions",
        "GetPublicAccessBlock",
        "GetCredentialReport",
    } <= operations
    writes = {op for op in operations if not op.startswith(READ_PREFIXES) and op != "GenerateCredentialReport"}
    assert writes == set()
    # GenerateCredentialReport is polled until the report is ready, so it may repeat; nothing else may
    repeated = {
        call for call in collected.calls if call[2] != "GenerateCredentialReport" and collected.calls.count(call) > 1
    }
    assert repeated == set()
    assert [c[2] for c in collected.calls].count("GetCredentialReport") == 1
