"""The lab scan gives exactly the expected findings, and every check has PASS and FAIL resources in it.

The expected set lives in ``tests/lab/expected_findings.txt`` (check, region, resource name, status; one
line per finding). Regenerate after a deliberate change with ``UPDATE_GOLDEN=1 pytest tests/lab/test_lab_scan.py``
and review the diff: every changed line is a finding that appeared, vanished or changed status.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from cloudward.api import check_inventory, collect_inventory, select_checks
from cloudward.checks.model import Layer, Status, Threat
from cloudward.findings.model import Finding
from cloudward.lab import LAB_CREDENTIALS
from cloudward.lab.seed import LAB_REGIONS
from cloudward.providers.aws.clients import Boto3Clients

EXPECTED = Path(__file__).parent / "expected_findings.txt"

# Checks the emulator cannot give both outcomes for, and why (moto limitations, not cloudward's).
LAB_CANNOT_PASS_AND_FAIL = {
    "accessanalyzer_enabled": "moto does not implement Access Analyzer: ERROR in every region",
    "iam_root_not_used_recently": "moto's credential report has no <root_account> row: ERROR",
    "iam_root_mfa_enabled": "one root user: it cannot both pass and fail",
    "iam_root_no_access_keys": "one root user: it cannot both pass and fail",
    "iam_root_hardware_mfa": "one root user: it cannot both pass and fail",
    "iam_password_policy_min_length_14": "one password policy per account",
    "iam_password_policy_prevents_reuse": "one password policy per account",
    "iam_password_policy_requires_symbols": "one password policy per account",
    "iam_password_policy_requires_numbers": "one password policy per account",
    "iam_password_policy_requires_uppercase": "one password policy per account",
    "iam_password_policy_requires_lowercase": "one password policy per account",
    "iam_password_policy_max_age_90": "one password policy per account",
    "iam_support_role_exists": "one account",
    "s3_account_public_access_block": "one account",
    "cloudtrail_multi_region_enabled": "one account",
    "billing_alerts_configured": "one account",
    "cloudtrail_s3_write_data_events": "one account",
    "cloudtrail_s3_read_data_events": "one account",
    "iam_server_certificate_not_expired": "moto reports every server certificate as expired (2012-05-08)",
    "s3_bucket_mfa_delete_enabled": "moto ignores MFADelete: every bucket fails",
    **{
        f"cloudwatch_log_metric_filter_{control}": "one account: the CIS monitoring controls are account-wide"
        for control in (
            "unauthorized_api_calls",
            "console_signin_without_mfa",
            "root_usage",
            "iam_policy_changes",
            "cloudtrail_changes",
            "console_auth_failures",
            "kms_key_disable_or_deletion",
            "s3_bucket_policy_changes",
            "config_changes",
            "security_group_changes",
            "nacl_changes",
            "network_gateway_changes",
            "route_table_changes",
            "vpc_changes",
            "organizations_changes",
        )
    },
}


def _line(finding: Finding) -> str:
    return f"{finding.check.id}\t{finding.resource.region}\t{finding.resource.name}\t{finding.status.value}"


@pytest.fixture(scope="module")
def lab_findings(lab_endpoint: str) -> list[Finding]:
    checks = select_checks()
    clients = Boto3Clients(endpoint_url=lab_endpoint, credentials=LAB_CREDENTIALS, max_attempts=2)
    inventory, _ = collect_inventory(checks, clients, list(LAB_REGIONS))
    return check_inventory(checks, inventory)


def test_the_lab_scan_gives_exactly_the_expected_findings(lab_findings: list[Finding]) -> None:
    actual = sorted(_line(finding) for finding in lab_findings)
    if os.environ.get("UPDATE_GOLDEN"):
        EXPECTED.write_text("\n".join(actual) + "\n")
    expected = EXPECTED.read_text().splitlines()
    missing = Counter(expected) - Counter(actual)
    extra = Counter(actual) - Counter(expected)
    assert not missing and not extra, f"missing: {sorted(missing)}\nunexpected: {sorted(extra)}"


def test_every_check_has_pass_and_fail_resources_in_the_lab(lab_findings: list[Finding]) -> None:
    outcomes: dict[str, set[Status]] = {check.meta.id: set() for check in select_checks()}
    for finding in lab_findings:
        outcomes[finding.check.id].add(finding.status)
    lacking = {
        check_id: sorted(status.value for status in statuses)
        for check_id, statuses in outcomes.items()
        if not {Status.PASS, Status.FAIL} <= statuses and check_id not in LAB_CANNOT_PASS_AND_FAIL
    }
    assert not lacking, f"checks without both a PASS and a FAIL resource in the lab: {lacking}"


def test_the_lab_shows_every_layer_and_every_threat_failing(lab_findings: list[Finding]) -> None:
    failing = [finding for finding in lab_findings if finding.status is Status.FAIL]
    assert {f.check.layer.value for f in failing} == {layer.value for layer in Layer}
    assert {f.check.threat.value for f in failing} == {threat.value for threat in Threat}
