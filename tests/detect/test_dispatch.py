"""The Dispatcher: spool first, deliver in order, retry with an injected backoff, report, never lose.

These sinks are small real implementations of the Sink protocol kept in memory; the same paths over
real HTTP and syslog listeners are in ``test_sinks.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cloudward.checks.model import Severity
from cloudward.detect.alert import Alert
from cloudward.detect.dispatch import DEFAULT_BACKOFF, Dispatcher
from cloudward.detect.sinks import SinkError

START = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)


def make_alert(number: int) -> Alert:
    """A distinct alert."""
    return Alert(
        rule_id="cloudward.access_key_for_other_user",
        title="Access key created for another user",
        severity=Severity.MEDIUM,
        techniques=("T1098.001",),
        tactics=("persistence",),
        principal="arn:aws:iam::123456789012:user/ci",
        account_id="123456789012",
        region="us-east-1",
        first_seen=START + timedelta(seconds=number),
        last_seen=START + timedelta(seconds=number),
        event_ids=(f"id-{number}",),
        description=f"ci created an access key for user {number}.",
        source="builtin",
    )


class Crash(BaseException):
    """The process dying (not an Exception: the dispatcher must not swallow it)."""


class MemorySink:
    """Keeps what it accepts; fails according to a script of outcomes, one per ``send`` call.

    An outcome is None (accept all), an int n (accept n then fail with SinkError(delivered=n)), an
    exception to raise, or "crash" (accept all, then die before the dispatcher records it).
    """

    def __init__(self, name: str = "memory", script: Sequence[object] = ()) -> None:
        self.name = name
        self.script = list(script)
        self.accepted: list[Alert] = []
        self.calls: list[int] = []

    def send(self, alerts: Sequence[Alert]) -> None:
        self.calls.append(len(alerts))
        outcome = self.script.pop(0) if self.script else None
        if isinstance(outcome, int):
            self.accepted.extend(alerts[:outcome])
            raise SinkError("partial", delivered=outcome)
        if isinstance(outcome, BaseException):
            raise outcome
        self.accepted.extend(alerts)
        if outcome == "crash":
            raise Crash


def _uids(alerts: Sequence[Alert]) -> list[str]:
    return [alert.uid for alert in alerts]


def test_everything_delivered_and_spool_removed(tmp_path: Path) -> None:
    sink = MemorySink()
    (report,) = Dispatcher([sink], tmp_path).dispatch(make_alert(n) for n in range(5))
    assert (report.delivered, report.spooled, report.backlog, report.attempts, report.ok) == (5, 0, 0, 1, True)
    assert report.last_error is None and sink.accepted == [make_alert(n) for n in range(5)]
    assert not list(tmp_path.glob("*.jsonl"))


def test_retries_follow_the_backoff_and_stop(tmp_path: Path) -> None:
    sleeps: list[float] = []
    sink = MemorySink(script=[RuntimeError("boom")] * 10)
    dispatcher = Dispatcher([sink], tmp_path, retries=4, backoff=(0.1, 0.2), sleep=sleeps.append)
    (report,) = dispatcher.dispatch([make_alert(0)])
    assert sleeps == [0.1, 0.2, 0.2, 0.2] and report.attempts == 5
    assert (report.delivered, report.spooled, report.last_error) == (0, 1, "boom")
    assert sum(DEFAULT_BACKOFF) < 2  # the default total wait stays small


def test_partial_delivery_is_recorded_and_the_rest_retried(tmp_path: Path) -> None:
    sink = MemorySink(script=[2, 1])
    sleeps: list[float] = []
    (report,) = Dispatcher([sink], tmp_path, sleep=sleeps.append).dispatch(make_alert(n) for n in range(4))
    assert sink.calls == [4, 2, 1] and sleeps == [0.25, 0.25]  # progress resets the retry count
    assert report.delivered == 4 and report.ok and _uids(sink.accepted) == _uids([make_alert(n) for n in range(4)])


def test_a_permanent_error_is_not_retried(tmp_path: Path) -> None:
    sleeps: list[float] = []
    sink = MemorySink(script=[SinkError("HTTP 400", retryable=False)])
    (report,) = Dispatcher([sink], tmp_path, sleep=sleeps.append).dispatch([make_alert(0)])
    assert (report.attempts, report.spooled, sleeps) == (1, 1, [])


def test_batches_and_the_backlog_come_first_in_order(tmp_path: Path) -> None:
    failing = MemorySink(script=[None, None, *[RuntimeError("down")] * 4])
    (report,) = Dispatcher([failing], tmp_path, batch_size=100, sleep=lambda _: None).dispatch(
        make_alert(n) for n in range(250)
    )
    assert (report.delivered, report.spooled) == (200, 50)
    working = MemorySink()
    (report,) = Dispatcher([working], tmp_path, batch_size=100).dispatch(make_alert(n) for n in range(250, 260))
    assert (report.delivered, report.backlog, report.spooled) == (60, 50, 0)
    assert _uids(working.accepted) == _uids([make_alert(n) for n in range(200, 260)])


def test_a_crash_after_delivery_repeats_it_but_loses_nothing(tmp_path: Path) -> None:
    dying = MemorySink(script=[None, "crash"])
    with pytest.raises(Crash):
        Dispatcher([dying], tmp_path, batch_size=2).dispatch(make_alert(n) for n in range(6))
    assert _uids(dying.accepted) == _uids([make_alert(n) for n in range(4)])
    restarted = MemorySink()
    (report,) = Dispatcher([restarted], tmp_path, batch_size=2).flush()
    assert report.backlog == 4  # alerts 2 and 3 were sent but not recorded: at-least-once
    assert _uids(restarted.accepted) == _uids([make_alert(n) for n in range(2, 6)])


def test_every_sink_is_spooled_before_any_delivery(tmp_path: Path) -> None:
    dying, second = MemorySink("first", script=["crash"]), MemorySink("second")
    with pytest.raises(Crash):
        Dispatcher([dying, second], tmp_path).dispatch([make_alert(0)])
    assert second.accepted == []
    (report,) = Dispatcher([second], tmp_path).flush()
    assert (report.delivered, report.backlog) == (1, 1) and second.accepted == [make_alert(0)]


def test_sinks_are_independent(tmp_path: Path) -> None:
    good, bad = MemorySink("good"), MemorySink("bad", script=[OSError("unreachable")] * 4)
    reports = Dispatcher([good, bad], tmp_path, sleep=lambda _: None).dispatch([make_alert(0), make_alert(1)])
    assert [(r.sink, r.delivered, r.spooled, r.ok) for r in reports] == [("good", 2, 0, True), ("bad", 0, 2, False)]
    (report,) = Dispatcher([MemorySink("bad")], tmp_path).flush()
    assert (report.delivered, report.backlog) == (2, 2)


def test_without_a_usable_spool_alerts_are_sent_directly_and_losses_reported(tmp_path: Path) -> None:
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    good = MemorySink("good")
    bad = MemorySink("bad", script=[RuntimeError("down")] * 4)
    reports = Dispatcher([good, bad], not_a_directory, sleep=lambda _: None).dispatch([make_alert(0)])
    assert [(r.delivered, r.spooled, r.lost, r.ok) for r in reports] == [(1, 0, 0, True), (0, 0, 1, False)]
    assert reports[0].last_error is not None and reports[0].last_error.startswith("spool: ")
    assert good.accepted == [make_alert(0)]


def test_bad_settings_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        Dispatcher([], tmp_path, retries=-1)
    with pytest.raises(ValueError):
        Dispatcher([], tmp_path, batch_size=0)
    with pytest.raises(ValueError):
        Dispatcher([], tmp_path, backoff=())
    with pytest.raises(ValueError, match="same name"):
        Dispatcher([MemorySink("x"), MemorySink("x")], tmp_path)
