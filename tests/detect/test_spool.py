"""The spool: alerts survive on disk, round-trip exactly, torn lines are set aside, never silently lost."""

from __future__ import annotations

import fcntl
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import orjson
import pytest

from cloudward.checks.model import Severity
from cloudward.detect import spool as spool_module
from cloudward.detect.alert import Alert, PostureLink
from cloudward.detect.spool import Spool, alert_from_dict, alert_to_dict, spool_slug

START = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)


def make_alert(number: int = 0) -> Alert:
    """A distinct alert with every optional field set."""
    return Alert(
        rule_id="cloudward.root_console_login",
        title="Root console login",
        severity=Severity.CRITICAL,
        techniques=("T1078.004",),
        tactics=("initial-access", "persistence"),
        principal="arn:aws:iam::123456789012:root",
        account_id="123456789012",
        region="us-east-1",
        first_seen=START + timedelta(minutes=number),
        last_seen=START + timedelta(minutes=number, seconds=5),
        event_ids=(f"id-{number}",),
        description=f"root signed in ({number}).",
        source="builtin",
        resources=("arn:aws:iam::123456789012:root",),
        posture=(PostureLink("iam_root_mfa_enabled", "arn:aws:iam::123456789012:root", "FAIL", "no MFA"),),
        timeline=("10:00 login",),
    )


def _uids(spool: Spool) -> list[str]:
    entries, _ = spool.pending()
    return [entry.alert.uid for entry in entries]


def test_alert_round_trips_exactly() -> None:
    alert = replace(make_alert(), first_seen=datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone(timedelta(hours=2))))
    rebuilt = alert_from_dict(orjson.loads(orjson.dumps(alert_to_dict(alert))))
    assert rebuilt == alert and rebuilt.uid == alert.uid


def test_slug_is_safe_and_distinct() -> None:
    one, two = spool_slug("webhook+json:https://h/#ab"), spool_slug("webhook+json:https://h/#cd")
    assert one != two and "/" not in one and ":" not in one


def test_append_pending_commit(tmp_path: Path) -> None:
    with Spool(tmp_path, "sink") as spool:
        spool.append([make_alert(n) for n in range(3)])
        entries, rejected = spool.pending()
        assert rejected == 0 and [entry.alert for entry in entries] == [make_alert(n) for n in range(3)]
        spool.commit(entries[0].end)
    with Spool(tmp_path, "sink") as spool:  # a later run sees only what is left, in order
        assert _uids(spool) == [make_alert(1).uid, make_alert(2).uid]
        spool.append([make_alert(3)])
        entries, _ = spool.pending()
        spool.commit(entries[-1].end)
        assert not spool.path.exists() and not spool.offset_path.exists()
        assert spool.pending() == ([], 0)


def test_a_torn_line_is_rejected_not_lost(tmp_path: Path) -> None:
    with Spool(tmp_path, "sink") as spool:
        spool.append([make_alert(0), make_alert(1)])
        with spool.path.open("ab") as out:
            out.write(b'{"alert": {"rule_id": "cloudward.x", "tit')  # a crash in the middle of an append
        spool.append([make_alert(2)])
        entries, rejected = spool.pending()
        assert rejected == 1 and [entry.alert for entry in entries] == [make_alert(n) for n in range(3)]
        assert spool.rejected_path.read_bytes() == b'{"alert": {"rule_id": "cloudward.x", "tit\n'
        assert spool.pending() == (entries, 0)  # rewritten without the torn line: not rejected twice


def test_a_torn_last_line_without_new_alerts(tmp_path: Path) -> None:
    with Spool(tmp_path, "sink") as spool:
        spool.append([make_alert(0)])
        with spool.path.open("ab") as out:
            out.write(b'{"ale')
        entries, rejected = spool.pending()
        assert rejected == 1 and [entry.alert.uid for entry in entries] == [make_alert(0).uid]


def test_a_torn_header_keeps_the_alerts(tmp_path: Path) -> None:
    with Spool(tmp_path, "sink") as spool:
        spool.path.write_bytes(b'{"cloudward_sp')
        spool.append([make_alert(0)])
        entries, rejected = spool.pending()
        assert rejected == 1 and [entry.alert for entry in entries] == [make_alert(0)]
        assert orjson.loads(spool.path.read_bytes().splitlines()[0])["cloudward_spool"] == 1


def test_an_offset_for_another_spool_is_ignored(tmp_path: Path) -> None:
    with Spool(tmp_path, "sink") as spool:
        spool.append([make_alert(0), make_alert(1)])
        spool.offset_path.write_bytes(orjson.dumps({"id": "someone-else", "offset": 10**9}))
        assert _uids(spool) == [make_alert(0).uid, make_alert(1).uid]


def test_a_damaged_offset_file_means_redelivery(tmp_path: Path) -> None:
    with Spool(tmp_path, "sink") as spool:
        spool.append([make_alert(0), make_alert(1)])
        entries, _ = spool.pending()
        spool.commit(entries[0].end)
        spool.offset_path.write_bytes(b"{not json")
        assert len(_uids(spool)) == 2


def test_compaction_drops_the_delivered_prefix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spool_module, "COMPACT_BYTES", 0)
    with Spool(tmp_path, "sink") as spool:
        spool.append([make_alert(n) for n in range(4)])
        entries, _ = spool.pending()
        spool.commit(entries[2].end)
        size = spool.path.stat().st_size
        spool.compact()
        assert spool.path.stat().st_size < size and not spool.offset_path.exists()
        assert _uids(spool) == [make_alert(3).uid]


def test_the_spool_is_locked_while_open(tmp_path: Path) -> None:
    lock_path = tmp_path / f"{spool_slug('sink')}.lock"
    with Spool(tmp_path, "sink"), lock_path.open("ab") as other, pytest.raises(BlockingIOError):
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    with lock_path.open("ab") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # released on exit
