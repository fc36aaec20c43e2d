"""Incidents chain a principal's related alerts within a window, with a timeline and an escalated severity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cloudward.checks.model import Severity
from cloudward.detect.alert import Alert
from cloudward.detect.incidents import correlate

T0 = datetime(2026, 11, 3, 22, 0, tzinfo=UTC)
ROOT = "arn:aws:iam::123456789012:root"


def _alert(rule: str, minutes: int, severity: Severity, tactic: str, principal: str = ROOT) -> Alert:
    when = T0 + timedelta(minutes=minutes)
    return Alert(
        rule_id=rule,
        title=rule.replace("_", " "),
        severity=severity,
        techniques=("T1078.004",),
        tactics=(tactic,),
        principal=principal,
        account_id="123456789012",
        region="us-east-1",
        first_seen=when,
        last_seen=when,
        event_ids=(f"event-{rule}",),
        description=rule,
        source="builtin",
    )


def test_the_stolen_root_story_is_one_critical_incident_with_a_timeline() -> None:
    chain = [
        _alert("baseline.console_login_new_network", 0, Severity.MEDIUM, "initial-access"),
        _alert("cloudward.console_login_without_mfa", 1, Severity.HIGH, "initial-access"),
        _alert("cloudward.access_key_for_other_user", 20, Severity.HIGH, "persistence"),
        _alert("cloudward.cloudtrail_stopped", 45, Severity.HIGH, "defense-evasion"),
    ]
    [incident] = correlate(chain)
    assert incident.severity is Severity.CRITICAL  # three tactics: one step above high
    assert incident.principal == ROOT and incident.source == "incident"
    assert [line.split(" (")[-1] for line in incident.timeline] == [f"{alert.rule_id})" for alert in chain]
    assert incident.event_ids == tuple(alert.event_ids[0] for alert in chain)
    assert incident.first_seen == T0 and incident.last_seen == T0 + timedelta(minutes=45)


def test_alerts_far_apart_or_from_one_rule_or_other_principals_do_not_make_incidents() -> None:
    alerts = [
        _alert("cloudward.ssm_send_command", 0, Severity.MEDIUM, "execution"),
        _alert("cloudward.ssm_send_command", 30, Severity.MEDIUM, "execution"),
        _alert("cloudward.cloudtrail_stopped", 60 * 5, Severity.HIGH, "defense-evasion"),
        _alert("cloudward.ec2_get_password_data", 10, Severity.MEDIUM, "credential-access", principal="arn:x:bob"),
    ]
    assert correlate(alerts) == []


def test_two_tactics_keep_the_highest_member_severity() -> None:
    alerts = [
        _alert("cloudward.iam_user_created", 0, Severity.LOW, "persistence"),
        _alert("cloudward.admin_policy_attached", 3, Severity.HIGH, "privilege-escalation"),
    ]
    [incident] = correlate(alerts)
    assert incident.severity is Severity.HIGH and len(incident.timeline) == 2


def test_a_busy_principal_is_not_one_endless_incident() -> None:
    hourly = [
        _alert(
            "sigma.assume_role" if hour % 2 else "cloudward.ssm_send_command", 60 * hour, Severity.MEDIUM, "execution"
        )
        for hour in range(48)
    ]
    incidents = correlate(hourly)
    assert len(incidents) >= 4  # 48 hours in chains of at most 12
    assert all(incident.last_seen - incident.first_seen <= timedelta(hours=12) for incident in incidents)


def test_low_signals_alone_are_no_incident() -> None:
    alerts = [
        _alert("cloudward.iam_user_created", 0, Severity.LOW, "persistence"),
        _alert("cloudward.ssm_start_session", 5, Severity.LOW, "execution"),
        _alert("cloudward.read_call", 6, Severity.INFO, "discovery"),
    ]
    assert correlate(alerts) == []
