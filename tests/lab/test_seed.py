"""The seeded lab: what seed_lab reports, access key ageing, and scale (in a fresh process)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta

import pytest

from cloudward.lab.seed import LAB_REGIONS, SeedSummary, age_access_key
from cloudward.providers.aws.clients import Boto3Clients

BASE_COUNTS = {
    # the core account (seed.py)
    "AWS::CloudTrail::Trail": 3,  # + acme-legacy-trail (identity)
    "AWS::Config::ConfigurationRecorder": 1,
    "AWS::EC2::Instance": 2,
    "AWS::EC2::SecurityGroup": 7,
    "AWS::EC2::VPC": 1,
    "AWS::EC2::Volume": 2,
    "AWS::IAM::Group": 1,
    "AWS::IAM::Policy": 3,  # + acme-build-policy (privesc)
    # + acme-support (identity), acme-cloudtrail-logs (monitoring), acme-ops, acme-build (privesc)
    "AWS::IAM::Role": 10,
    "AWS::IAM::User": 9,  # + erin, frank (identity), dave, grace, heidi (privesc)
    "AWS::KMS::Key": 3,
    "AWS::Lambda::Function": 6,  # + acme-legacy-etl, acme-partner-sync (identity)
    "AWS::RDS::DBInstance": 2,
    "AWS::S3::Bucket": 6,  # + acme-legacy-trail-logs (identity), acme-audit-archive (zz_coverage)
    # seeders/apps.py
    "AWS::ApiGateway::RestApi": 2,
    "AWS::CertificateManager::Certificate": 1,
    "AWS::ECR::Repository": 2,
    "AWS::ElasticLoadBalancingV2::LoadBalancer": 3,
    "AWS::SNS::Topic": 3,  # + acme-security-alerts (monitoring)
    "AWS::SQS::Queue": 3,
    "AWS::WAFv2::WebACL": 1,
    # seeders/data.py
    "AWS::EC2::Image": 2,
    "AWS::EC2::NetworkAcl": 2,
    "AWS::EC2::Snapshot": 4,  # two named ones, and one root-volume snapshot per CreateImage
    "AWS::EFS::FileSystem": 2,
    "AWS::RDS::DBSnapshot": 2,
    "AWS::SecretsManager::Secret": 3,
    # seeders/identity.py
    "AWS::IAM::ServerCertificate": 1,
    # seeders/monitoring.py
    "AWS::Budgets::Budget": 2,
    "AWS::CloudWatch::Alarm": 9,  # eight on metric filters, one on estimated charges
    "AWS::GuardDuty::Detector": 1,
    "AWS::Logs::LogGroup": 3,  # + one per CloudFormation stack (secrets_config)
    # seeders/secrets_config.py
    "AWS::EC2::LaunchTemplate": 2,
    "AWS::ECS::TaskDefinition": 2,
    "AWS::SSM::Parameter": 3,
    "AWS::CloudFormation::Stack": 2,
    "AWS::Logs::MetricFilter": 9,
    "AWS::SecurityHub::Hub": 1,
}
BASE_BUCKETS = {
    "acme-access-logs",
    "acme-customer-data",
    "acme-public-website",
    "acme-eu-archive",
    "acme-legacy-trail-logs",
    "acme-audit-archive",
}
BASE_USERS = {"alice", "bob", "ci-deploy", "carol", "erin", "frank", "dave", "grace", "heidi"}
BASE_FUNCTIONS = {
    "acme-public-webhook",
    "acme-internal-api",
    "acme-nightly-report",
    "acme-eu-thumbnailer",
    "acme-legacy-etl",
    "acme-partner-sync",
}
SCALED_TYPES = ("AWS::S3::Bucket", "AWS::EC2::SecurityGroup", "AWS::IAM::User", "AWS::Lambda::Function")


def _days_ago(moment: datetime) -> float:
    return (datetime.now(UTC) - moment) / timedelta(days=1)


def test_summary_lists_what_was_seeded(lab_seed: SeedSummary) -> None:
    assert lab_seed.regions == LAB_REGIONS == ("us-east-1", "eu-west-1")
    assert dict(lab_seed.counts) == BASE_COUNTS
    assert lab_seed.total == sum(BASE_COUNTS.values())
    assert sorted(lab_seed.aged_access_keys.values()) == [200, 400]
    assert lab_seed.endpoint_url.startswith("http://127.0.0.1:")


def test_aged_keys_show_in_every_api_that_reads_them(lab_seed: SeedSummary, lab_clients: Boto3Clients) -> None:
    iam = lab_clients.client("iam", "us-east-1")
    (bob_key,) = iam.list_access_keys(UserName="bob")["AccessKeyMetadata"]
    assert lab_seed.aged_access_keys[bob_key["AccessKeyId"]] == 400
    assert 399 < _days_ago(bob_key["CreateDate"]) < 401
    last_used = iam.get_access_key_last_used(AccessKeyId=bob_key["AccessKeyId"])["AccessKeyLastUsed"]
    assert 1 < _days_ago(last_used["LastUsedDate"]) < 3
    (ci_key,) = iam.list_access_keys(UserName="ci-deploy")["AccessKeyMetadata"]
    assert "LastUsedDate" not in iam.get_access_key_last_used(AccessKeyId=ci_key["AccessKeyId"])["AccessKeyLastUsed"]

    iam.generate_credential_report()
    rows = {row["user"]: row for row in csv.DictReader(io.StringIO(iam.get_credential_report()["Content"].decode()))}
    assert rows["bob"]["access_key_1_last_rotated"].startswith(str((datetime.now(UTC) - timedelta(days=400)).date()))
    assert rows["ci-deploy"]["access_key_1_last_used_date"] == "N/A"
    # a user is never younger than its key
    assert rows["ci-deploy"]["user_creation_time"] <= rows["ci-deploy"]["access_key_1_last_rotated"]
    assert rows["alice"]["access_key_1_last_rotated"] == "N/A"


def test_ageing_again_is_idempotent(lab_seed: SeedSummary) -> None:
    aged = age_access_key("bob", 400, last_used_days_ago=2)
    assert aged == {key: days for key, days in lab_seed.aged_access_keys.items() if days == 400}


def test_ageing_an_unknown_user_is_a_clear_error(lab_seed: SeedSummary) -> None:
    with pytest.raises(LookupError, match="in-process"):
        age_access_key("nobody-by-this-name", 30)


def test_the_seeded_iam_settings(lab_clients: Boto3Clients) -> None:
    iam = lab_clients.client("iam", "us-east-1")
    assigned = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert {device["User"]["UserName"] for device in assigned} == {"alice", "carol"}
    assert iam.get_account_password_policy()["PasswordPolicy"]["MinimumPasswordLength"] == 8
    assert iam.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 0
    (profile,) = iam.list_instance_profiles()["InstanceProfiles"]
    assert [role["RoleName"] for role in profile["Roles"]] == ["acme-ec2-app"]


def test_the_public_website_is_a_website(lab_clients: Boto3Clients) -> None:
    s3 = lab_clients.client("s3", "us-east-1")
    assert s3.get_bucket_website(Bucket="acme-public-website")["IndexDocument"] == {"Suffix": "index.html"}


SCALE_SCRIPT = textwrap.dedent(
    """
    import json
    from cloudward.lab import LAB_CREDENTIALS, LabServer
    from cloudward.lab.seed import seed_lab
    from cloudward.providers.aws.clients import Boto3Clients

    with LabServer() as server:
        summary = seed_lab(server.endpoint_url, scale=3)
        clients = Boto3Clients(endpoint_url=server.endpoint_url, credentials=LAB_CREDENTIALS)
        functions = [
            f["FunctionName"]
            for region in summary.regions
            for f in clients.client("lambda", region).list_functions()["Functions"]
        ]
        print(json.dumps({
            "counts": dict(summary.counts),
            "buckets": sorted(b["Name"] for b in clients.client("s3", "us-east-1").list_buckets()["Buckets"]),
            "users": sorted(u["UserName"] for u in clients.client("iam", "us-east-1").list_users()["Users"]),
            "functions": sorted(functions),
        }))
    """
)


def test_scale_adds_that_many_of_each_benchmark_type() -> None:
    """Run in a fresh interpreter: moto's state is per process, and this session's lab must stay as seeded."""
    done = subprocess.run(
        [sys.executable, "-c", SCALE_SCRIPT], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    expected = {t: n + (3 if t in SCALED_TYPES else 0) for t, n in BASE_COUNTS.items()}
    assert result["counts"] == expected
    bench = [f"{index:04d}" for index in range(3)]
    assert result["buckets"] == sorted(BASE_BUCKETS | {f"acme-bench-{n}" for n in bench})
    assert result["users"] == sorted(BASE_USERS | {f"bench-user-{n}" for n in bench})
    assert result["functions"] == sorted(BASE_FUNCTIONS | {f"acme-bench-{n}-fn" for n in bench})
