"""Alerts name the posture failures on what they touched, from a saved snapshot."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cloudward.api import check_inventory, needs_for, select_checks
from cloudward.checks.model import Severity, Status
from cloudward.detect.alert import Alert
from cloudward.detect.posture import PostureIndex, link_alerts
from cloudward.findings.model import Finding, ResourceRef
from cloudward.inventory.snapshot import write_snapshot
from tests.fixture_inventory import FIXTURES, load_fixture

WHEN = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)


def _alert(resources: tuple[str, ...], principal: str = "arn:aws:iam::123456789012:user/mallory") -> Alert:
    return Alert(
        rule_id="cloudward.s3_mass_download",
        title="Mass S3 download by one principal",
        severity=Severity.MEDIUM,
        techniques=("T1530",),
        tactics=("collection",),
        principal=principal,
        account_id="123456789012",
        region="us-east-1",
        first_seen=WHEN,
        last_seen=WHEN,
        event_ids=("e1",),
        description="GetObject burst",
        source="builtin",
        resources=resources,
    )


def _bucket_index() -> PostureIndex:
    inventory, _ = load_fixture(FIXTURES / "s3_bucket_public_access_block.yaml", "AWS::S3::Bucket")
    return PostureIndex(check_inventory(select_checks(check_ids=["s3_bucket_public_access_block"]), inventory))


def test_an_alert_on_a_failing_bucket_names_the_check() -> None:
    [linked] = link_alerts([_alert(("fail-two-flags-off",))], _bucket_index())
    [link] = linked.posture
    assert link.check_id == "s3_bucket_public_access_block" and link.status == "FAIL"
    assert "fail-two-flags-off fails s3_bucket_public_access_block" in linked.description


def test_passing_or_unrelated_resources_give_no_link() -> None:
    alerts = [_alert(("pass-all-four-flags",)), _alert(("some-other-bucket",))]
    assert link_alerts(alerts, _bucket_index()) == alerts


def test_a_principal_is_linked_to_its_own_failures_from_a_snapshot(tmp_path: Path) -> None:
    inventory, _ = load_fixture(FIXTURES / "iam_user_console_mfa_enabled.yaml", "AWS::IAM::User")
    checks = select_checks(check_ids=["iam_user_console_mfa_enabled"])
    path = write_snapshot(inventory, tmp_path / "snapshot", needs_for(checks))
    index = PostureIndex.from_snapshot(path)
    failing = next(f for f in check_inventory(checks, inventory) if f.status == "FAIL")
    [linked] = link_alerts([_alert((), principal=failing.resource.arn)], index)
    assert {link.check_id for link in linked.posture} >= {"iam_user_console_mfa_enabled"}


def test_an_assumed_role_session_is_linked_through_its_role() -> None:
    check = select_checks(check_ids=["iam_user_console_mfa_enabled"])[0].meta
    role = ResourceRef(
        "arn:aws:iam::123456789012:role/ops/deploy", "AWS::IAM::Role", "deploy", "123456789012", "global"
    )
    finding = Finding(check, role, Status.FAIL, "too broad", WHEN, WHEN)
    session = "arn:aws:sts::123456789012:assumed-role/deploy/i-0abc1234def567890"
    [linked] = link_alerts([_alert((), principal=session)], PostureIndex([finding]))
    assert [link.resource_arn for link in linked.posture] == [role.arn]
