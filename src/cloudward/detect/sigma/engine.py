"""Run a RuleSet over the event store and turn the matches into alerts.

One alert per rule, principal and window: a principal's matching records are grouped into windows of
``group_window`` laid end to end from its first matching record (so 500 matching calls by one principal
within an hour are one alert carrying 500 event ids). The principal is ``userIdentity.arn``, else
``userIdentity.principalId``, else ``userIdentity.type``, else ``unknown``. Correlation rules raise one
alert per merged run of windows that hold their condition (see :mod:`.correlation`).

The connection must not hold an unfinished result when a rule pass starts; the pass creates and
drops its own temporary tables on it.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import pyarrow as pa

from cloudward.detect.alert import Alert
from cloudward.detect.sigma.alerts import MAX_RESOURCES, Finding, make_alert, resources_sql, summary_sql
from cloudward.detect.sigma.correlation import correlation_fields, correlation_findings
from cloudward.detect.sigma.fields import quote_identifier, resolve_field
from cloudward.detect.sigma.plan import Placement, matched_sql, plan_groups, scan_sql
from cloudward.detect.sigma.rules import DetectionRule, RuleSet


@dataclass(frozen=True)
class Scanned:
    """The result of a rule pass's scans.

    Attributes:
        tables: the temporary tables holding the matched records.
        placements: rule_id -> where its matches are.
        fields: Sigma field name -> the column holding it (correlation group-by and value fields).
    """

    tables: tuple[str, ...]
    placements: dict[str, Placement]
    fields: dict[str, str]


@contextmanager
def scanned(
    connection: duckdb.DuckDBPyConnection, rules: RuleSet, since: datetime | None, until: datetime | None
) -> Iterator[Scanned]:
    """Scan the store once per scan group; yield where the matches are; drop the tables afterwards."""
    pairs = [pair for correlation in rules.correlations for pair in correlation_fields(correlation)]
    fields = {name: f"_f{index}" for index, name in enumerate(sorted({name for _, name in pairs}))}
    extra: dict[str, frozenset[str]] = {}
    needs: dict[str, frozenset[str]] = {}
    for rule_id, name in pairs:
        extra[rule_id] = extra.get(rule_id, frozenset()) | resolve_field(name).columns
        needs[fields[name]] = needs.get(fields[name], frozenset()) | {rule_id}
    groups = plan_groups(rules.detections, extra)
    prefix = f"cloudward_sigma_{uuid.uuid4().hex[:12]}"
    created: list[str] = []
    placements: dict[str, Placement] = {}
    try:
        for index, group in enumerate(groups):
            table = f"{prefix}_{index}"
            columns = {alias: name for name, alias in fields.items()}
            connection.execute(scan_sql(group, table, since, until, columns, needs))
            created.append(table)
            bits = group.bits()
            for slot, rule in group.rules:
                placements[rule.rule_id] = Placement(table, slot, rule, bits[slot])
        yield Scanned(tuple(created), placements, fields)
    finally:
        for table in created:
            connection.execute(f"DROP TABLE IF EXISTS {quote_identifier(table)}")


def _detection_findings(
    connection: duckdb.DuckDBPyConnection, rules: Sequence[DetectionRule], scan: Scanned, window: timedelta
) -> list[Finding]:
    if not rules:
        return []
    by_slot = {scan.placements[rule.rule_id].slot: rule for rule in rules}
    window_us = max(1, int(window.total_seconds() * 1_000_000))
    aggregates, projection = summary_sql()
    matched = matched_sql(scan.placements, rules)
    # The matches are read twice rather than held: first each principal's first match, then the windows.
    sql = f"""
WITH origin AS MATERIALIZED (SELECT _ri, _p, min(_t) AS _o FROM ({matched}) GROUP BY _ri, _p),
w AS (
  SELECT m.*, (epoch_us(m._t) - epoch_us(origin._o)) // {window_us} AS _w
  FROM ({matched}) m JOIN origin USING (_ri, _p))
SELECT _ri, _p, {projection} FROM (SELECT _ri, _p, {aggregates} FROM w GROUP BY _ri, _p, _w)
"""
    table = connection.sql(sql).to_arrow_table()
    columns = {name: table.column(name).to_pylist() for name in table.column_names}
    return [
        Finding(
            rule=by_slot[slot],
            principal=principal,
            first_seen=first,
            last_seen=last,
            event_ids=ids,
            account_id=account,
            region=region,
            event_names=names,
            resources=resources or (),
            unread=unread or (),
        )
        for slot, principal, first, last, ids, account, region, names, resources, unread in zip(
            *(
                columns[name]
                for name in (
                    "_ri",
                    "_p",
                    "first_seen",
                    "last_seen",
                    "ids",
                    "account",
                    "region",
                    "names",
                    "resources",
                    "unread",
                )
            ),
            strict=True,
        )
    ]


def lookup_resources(connection: duckdb.DuckDBPyConnection, findings: Sequence[Finding]) -> list[Finding]:
    """Complete the resources of findings whose first records' request parameters the scans did not keep.

    One query reads them from ``events`` by eventID (a pass over the eventID and requestParameters
    columns), instead of the scans keeping the parameters of every record a rule without anchor matches.
    """
    pairs = [(index, event_id) for index, finding in enumerate(findings) for event_id in finding.unread]
    if not pairs:
        return list(findings)
    name = f"cloudward_sigma_unread_{uuid.uuid4().hex[:12]}"
    connection.register(name, pa.table({"finding": [pair[0] for pair in pairs], "id": [pair[1] for pair in pairs]}))
    try:
        resources = resources_sql('list(e."requestParameters")')
        sql = (
            f"SELECT u.finding, {resources} AS resources "
            f'FROM events e JOIN {name} u ON e."eventID" = u.id GROUP BY u.finding'
        )
        found: dict[int, list[str]] = dict(connection.execute(sql).fetchall())
    finally:
        connection.unregister(name)
    completed = list(findings)
    for index, finding in enumerate(findings):
        if finding.unread:
            merged = tuple(sorted({*finding.resources, *(found.get(index) or ())}))[:MAX_RESOURCES]
            completed[index] = dataclasses.replace(finding, resources=merged, unread=())
    return completed


def run_rules(
    connection: duckdb.DuckDBPyConnection,
    rules: RuleSet,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    source: str = "sigma",
    group_window: timedelta = timedelta(hours=1),
) -> list[Alert]:
    """Run every rule over the ``events`` view of the connection.

    Args:
        connection: a DuckDB connection with an ``events`` view or table of the event store's schema.
        rules: the rules, from :func:`cloudward.detect.sigma.load_rules`.
        since: only records at or after this time (naive means UTC).
        until: only records before this time.
        source: the alerts' ``source`` (``sigma`` or ``builtin``) for rules loaded without one.
        group_window: the length of the per-principal window that groups a rule's matches into one alert.

    Returns:
        The alerts, ordered by first_seen, rule_id and principal.
    """
    with scanned(connection, rules, since, until) as scan:
        emitting = [rule for rule in rules.detections if rule.emits]
        findings = _detection_findings(connection, emitting, scan, group_window)
        for correlation in rules.correlations:
            findings.extend(correlation_findings(connection, correlation, scan.placements, scan.fields))
        findings = lookup_resources(connection, findings)
    alerts = [make_alert(finding, source) for finding in findings]
    alerts.sort(key=lambda alert: (alert.first_seen, alert.rule_id, alert.principal))
    return alerts


def match_events(
    connection: duckdb.DuckDBPyConnection,
    rules: RuleSet,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, list[str]]:
    """The eventIDs each detection rule matches (every detection rule, also those only feeding correlations).

    Args:
        connection: a DuckDB connection with an ``events`` view or table of the event store's schema.
        rules: the rules.
        since: only records at or after this time.
        until: only records before this time.

    Returns:
        rule_id -> eventIDs in time order.
    """
    detections = rules.detections
    matches: dict[str, list[str]] = {rule.rule_id: [] for rule in detections}
    with scanned(connection, rules, since, until) as scan:
        if detections:
            by_slot = {scan.placements[rule.rule_id].slot: rule.rule_id for rule in detections}
            sql = f"SELECT _ri, _id FROM ({matched_sql(scan.placements, detections)}) ORDER BY _ri, _t, _id"
            for slot, event_id in connection.execute(sql).fetchall():
                matches[by_slot[slot]].append(event_id)
    return matches
