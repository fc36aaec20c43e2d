"""Delivery that never loses an alert: every sink through its spool, with bounded retries and a report.

:class:`Dispatcher` first appends the new alerts to every sink's spool
(:class:`cloudward.detect.spool.Spool`: append + fsync), then, sink by sink, delivers the whole spool in
order, backlog from earlier runs first, in batches, recording each delivered batch. A failing batch is
retried with a short bounded backoff (1.75 s in all by default; the sleep is injectable); what the sink
still refuses stays spooled for the next run (the next ``cloudward detect``) and the failure is reported
in a :class:`DeliveryReport`. Delivery is at-least-once: a crash between a send and its record, or a
sink that fails part-way through a batch without saying how far it got, means a repeat, never a loss.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cloudward.detect.alert import Alert
from cloudward.detect.sinks import Sink, SinkError
from cloudward.detect.spool import Spool

DEFAULT_BACKOFF = (0.25, 0.5, 1.0)
"""Seconds to wait before the 1st, 2nd, 3rd... retry (the last value repeats): 1.75 s in all by default."""


@dataclass(frozen=True)
class DeliveryReport:
    """What happened to one sink in one dispatch.

    Attributes:
        sink: the sink's name (never a secret).
        delivered: alerts the sink accepted in this run, backlog included.
        spooled: alerts left in the spool for the next run.
        backlog: alerts found spooled from earlier runs before this one added its own.
        attempts: calls to the sink's ``send`` (a retry is one more).
        rejected: unreadable spool lines moved to the ``.rejected`` file in this run.
        lost: alerts neither delivered nor spooled (only when the spool itself cannot be written).
        last_error: the last failure seen, even if a retry then succeeded; None if there was none.
    """

    sink: str
    delivered: int
    spooled: int
    backlog: int = 0
    attempts: int = 0
    rejected: int = 0
    lost: int = 0
    last_error: str | None = None

    @property
    def ok(self) -> bool:
        """True when nothing is waiting in the spool and nothing was lost."""
        return self.spooled == 0 and self.lost == 0


@dataclass
class _Pending:
    alert: Alert
    end: int | None  # None: not in the spool (the spool could not be written)


@dataclass
class _Prepared:
    spool: Spool | None  # None: no spool could be opened for the sink
    error: str | None  # why the alerts could not be spooled
    unspooled: list[_Pending]  # alerts held only in memory


class Dispatcher:
    """Sends alerts to every sink through its spool, retrying failures with a bounded backoff.

    Args:
        sinks: the destinations.
        spool_dir: where each sink's spool lives; keep it across runs (e.g. ``~/.cloudward/spool``).
        retries: retries of a failing batch before giving up until the next run.
        backoff: seconds to wait before each retry (the last value repeats).
        batch_size: alerts per ``send`` call; progress is recorded after each batch.
        sleep: the wait function (injected by tests).
    """

    def __init__(
        self,
        sinks: Sequence[Sink],
        spool_dir: Path | str,
        *,
        retries: int = 3,
        backoff: Sequence[float] = DEFAULT_BACKOFF,
        batch_size: int = 100,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Configure the dispatch; nothing is read or written until :meth:`dispatch`."""
        if retries < 0 or batch_size < 1 or not backoff:
            raise ValueError("retries must be >= 0, batch_size >= 1 and backoff non-empty")
        names = [sink.name for sink in sinks]
        if len(set(names)) != len(names):
            raise ValueError("two sinks have the same name (they would share one spool)")
        self.sinks = list(sinks)
        self.spool_dir = Path(spool_dir)
        self.retries, self.backoff, self.batch_size, self._sleep = retries, tuple(backoff), batch_size, sleep

    def dispatch(self, alerts: Iterable[Alert]) -> list[DeliveryReport]:
        """Spool the alerts for every sink, then deliver each sink's spool (backlog first); one report per sink.

        Every sink's spool is written before any delivery starts, so a crash while one sink is being
        served cannot cost another sink its copy.
        """
        batch = list(alerts)
        with contextlib.ExitStack() as locks:
            prepared = [self._spool(sink, batch, locks) for sink in self.sinks]
            pairs = zip(self.sinks, prepared, strict=True)
            return [self._deliver_prepared(sink, batch, ready) for sink, ready in pairs]

    def flush(self) -> list[DeliveryReport]:
        """Deliver only what earlier runs left spooled."""
        return self.dispatch(())

    def _spool(self, sink: Sink, alerts: list[Alert], locks: contextlib.ExitStack) -> _Prepared:
        """Lock the sink's spool (held until the dispatch ends) and append the alerts to it."""
        spool = Spool(self.spool_dir, sink.name)
        try:
            locks.enter_context(spool)
        except OSError as error:
            # No spool at all (unwritable directory): the alerts go out directly; what fails is reported lost.
            return _Prepared(None, f"spool: {error}", [_Pending(alert, None) for alert in alerts])
        try:
            spool.append(alerts)
        except OSError as error:
            return _Prepared(spool, f"spool: {error}", [_Pending(alert, None) for alert in alerts])
        return _Prepared(spool, None, [])

    def _deliver_prepared(self, sink: Sink, alerts: list[Alert], ready: _Prepared) -> DeliveryReport:
        if ready.spool is None:
            return self._deliver(sink, None, ready.unspooled, backlog=0, rejected=0, last_error=ready.error)
        try:
            entries, rejected = ready.spool.pending()
        except OSError as error:
            # The spool cannot be read back: what was appended is safe on disk; try again next run.
            safe = 0 if ready.unspooled else len(alerts)
            return DeliveryReport(
                sink.name, delivered=0, spooled=safe, lost=len(ready.unspooled), last_error=f"spool: {error}"
            )
        backlog = len(entries) - (0 if ready.unspooled else len(alerts))
        pending = [_Pending(entry.alert, entry.end) for entry in entries] + ready.unspooled
        report = self._deliver(sink, ready.spool, pending, backlog=backlog, rejected=rejected, last_error=ready.error)
        with contextlib.suppress(OSError):
            ready.spool.compact()
        return report

    def _deliver(
        self,
        sink: Sink,
        spool: Spool | None,
        pending: list[_Pending],
        *,
        backlog: int,
        rejected: int,
        last_error: str | None,
    ) -> DeliveryReport:
        done = attempts = failures = 0
        while done < len(pending):
            batch = pending[done : done + self.batch_size]
            error: BaseException | None = None
            try:
                sink.send([item.alert for item in batch])
                accepted = len(batch)
            except Exception as failure:  # any sink failure is reported, never raised
                error = failure
                accepted = min(max(failure.delivered, 0), len(batch)) if isinstance(failure, SinkError) else 0
            attempts += 1
            if accepted:
                done += accepted
                failures = 0
                ends = [item.end for item in batch[:accepted] if item.end is not None]
                if spool is not None and ends:
                    try:
                        spool.commit(ends[-1])
                    except OSError as commit_error:
                        # Delivered but not recorded: sent again next run (a duplicate, never a loss).
                        last_error = f"spool: {commit_error}"
                        break
            if error is None:
                continue
            last_error = str(error) or type(error).__name__
            failures += 1
            if failures > self.retries or (isinstance(error, SinkError) and not error.retryable):
                break
            self._sleep(self.backoff[min(failures, len(self.backoff)) - 1])
        left = pending[done:]
        return DeliveryReport(
            sink=sink.name,
            delivered=done,
            spooled=sum(1 for item in left if item.end is not None),
            backlog=backlog,
            attempts=attempts,
            rejected=rejected,
            lost=sum(1 for item in left if item.end is None),
            last_error=last_error,
        )
