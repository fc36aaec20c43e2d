"""Sigma correlation rules over the records their base rules matched.

Windows slide: for every matched record of a group (the records sharing the ``group-by`` values), the
window is ``[its eventTime, its eventTime + timespan]`` and the condition is evaluated over the base
records inside it:

* ``event_count``: how many records;
* ``value_count``: how many distinct values of the condition's ``field``;
* ``temporal``: how many of the base rules matched (default: all of them), or an extended condition
  (``rule_a and not rule_b``) over which base rules matched;
* ``temporal_ordered``: how many of the base rules matched in the listed order (default: all).

Records without a value for a ``group-by`` field take no part (as in pysigma-backend-sqlite); a
record that two base rules match counts once.

Windows that hold the condition and overlap (their anchors at most one timespan apart) are merged, and
each merged run becomes one alert carrying every base record inside it. Counting windows happens in
DuckDB with RANGE window functions; the ordered and extended forms are evaluated in Python over the
base records, which such rules keep few.
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import duckdb

from cloudward.detect.sigma.alerts import MAX_SAMPLE, Finding, resources_from, summary_sql
from cloudward.detect.sigma.plan import Placement, matched_sql
from cloudward.detect.sigma.rules import CorrelationRule

SQL_OPERATORS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "eq": "=", "neq": "<>"}
PY_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "eq": operator.eq,
    "neq": operator.ne,
}
_COUNTS = {"event_count": "count(*)", "value_count": "count(DISTINCT _v)", "temporal": "count(DISTINCT _r)"}


def correlation_fields(correlation: CorrelationRule) -> list[tuple[str, str]]:
    """The (base rule_id, field name) pairs the correlation reads: group-by fields and the counted field."""
    pairs: list[tuple[str, str]] = []
    for rule_id in correlation.rules:
        pairs.extend((rule_id, correlation.group_field(group, rule_id)) for group in correlation.group_by)
        if correlation.value_field:
            pairs.append((rule_id, correlation.group_field(correlation.value_field, rule_id)))
    return pairs


def _keys(correlation: CorrelationRule) -> list[str]:
    return [f"_k{index}" for index in range(len(correlation.group_by))] or ["_k0"]


def base_sql(correlation: CorrelationRule, placements: Mapping[str, Placement], fields: Mapping[str, str]) -> str:
    """Every record a base rule matched, with its rule index ``_r``, group keys ``_k*`` and counted value ``_v``.

    Records without a value for a group key are left out.
    """
    slots = [placements[rule_id].slot for rule_id in correlation.rules]

    def per_rule(expressions: Sequence[str]) -> str:
        return (
            "CASE _ri "
            + " ".join(f"WHEN {slot} THEN {expr}" for slot, expr in zip(slots, expressions, strict=True))
            + " END"
        )

    extra = {"_r": per_rule([str(index) for index in range(len(slots))])}
    for key_index, group in enumerate(correlation.group_by):
        extra[f"_k{key_index}"] = per_rule(
            [fields[correlation.group_field(group, rule_id)] for rule_id in correlation.rules]
        )
    if not correlation.group_by:
        extra["_k0"] = "0"
    value = correlation.value_field
    extra["_v"] = (
        per_rule([fields[correlation.group_field(value, rule_id)] for rule_id in correlation.rules])
        if value
        else "NULL"
    )
    not_null = " AND ".join(f"{key} IS NOT NULL" for key in _keys(correlation))
    rules = [placements[rule_id].rule for rule_id in correlation.rules]
    return f"SELECT * FROM ({matched_sql(placements, rules, extra)}) WHERE {not_null}"


def _count(correlation: CorrelationRule) -> str:
    if correlation.kind == "event_count" and len(correlation.rules) > 1:
        return "count(DISTINCT _id)"  # a record two base rules match counts once
    return _COUNTS[correlation.kind]


def _prefilter(correlation: CorrelationRule, keys: Sequence[str], span_us: int) -> str:
    """CTEs narrowing ``base`` to ``kept``: for a condition that only sets lower bounds, records in no window
    that could hold it are dropped first (cheap grouped counts), so the exact sliding windows run on few rows.

    A window [t, t + timespan] lies in two consecutive buckets of length timespan, so if it holds the
    condition, so does the pair of buckets; and so does the whole group.
    """
    count = _count(correlation)
    having = " AND ".join(f"{count} {SQL_OPERATORS[op]} {threshold!r}" for op, threshold in correlation.conditions)
    monotone = correlation.conditions and all(op in ("gt", "gte") for op, _ in correlation.conditions)
    if not monotone:
        return "kept AS (SELECT * FROM base)"
    key_list = ", ".join(keys)
    on = " AND ".join(f"b.{key} = h.{key}" for key in keys)
    return f"""groups AS (SELECT {key_list} FROM base GROUP BY {key_list} HAVING {having}),
grouped AS (SELECT b.*, epoch_us(b._t) // {span_us} AS _b FROM base b SEMI JOIN groups h ON {on}),
pairs AS (SELECT {key_list}, _b + d.d AS _pb, _id, _v, _r FROM grouped, (VALUES (0), (-1)) d(d)),
hot AS (SELECT {key_list}, _pb FROM pairs GROUP BY {key_list}, _pb HAVING {having}),
buckets AS (SELECT {key_list}, _pb AS _b FROM hot UNION SELECT {key_list}, _pb + 1 FROM hot),
kept AS (SELECT b.* EXCLUDE (_b) FROM grouped b SEMI JOIN buckets h ON {on} AND b._b = h._b)"""


def _window_sql(correlation: CorrelationRule, placements: Mapping[str, Placement], fields: Mapping[str, str]) -> str:
    keys = _keys(correlation)
    key_list = ", ".join(keys)
    seconds = int(correlation.timespan.total_seconds())
    span = f"INTERVAL {seconds} SECOND"
    condition = " AND ".join(f"_c {SQL_OPERATORS[op]} {threshold!r}" for op, threshold in correlation.conditions)
    join_on = " AND ".join(f"b.{key} = c.{key}" for key in keys)
    group_keys = ", ".join(f"c.{key}" for key in keys)
    aggregates, projection = summary_sql("b.")
    return f"""
WITH base AS MATERIALIZED ({base_sql(correlation, placements, fields)}),
{_prefilter(correlation, keys, seconds * 1_000_000)},
win AS (
  SELECT {key_list}, _t, {_count(correlation)} OVER (
    PARTITION BY {key_list} ORDER BY _t RANGE BETWEEN CURRENT ROW AND {span} FOLLOWING) AS _c
  FROM kept),
sat AS (SELECT DISTINCT {key_list}, _t FROM win WHERE {condition or "true"}),
prev AS (SELECT *, lag(_t) OVER (PARTITION BY {key_list} ORDER BY _t) AS _prev FROM sat),
chains AS (
  SELECT *, sum(CASE WHEN _prev IS NULL OR _t - _prev > {span} THEN 1 ELSE 0 END) OVER (
    PARTITION BY {key_list} ORDER BY _t ROWS UNBOUNDED PRECEDING) AS _chain
  FROM prev),
comp AS (SELECT {key_list}, _chain, min(_t) AS _s, max(_t) + {span} AS _e FROM chains GROUP BY {key_list}, _chain)
SELECT {key_list}, principal, {projection} FROM (
  SELECT {group_keys}, mode(b._p) AS principal, {aggregates}
  FROM comp c JOIN kept b ON {join_on} AND b._t BETWEEN c._s AND c._e
  GROUP BY {group_keys}, c._chain)
ORDER BY first_seen
"""


def _detail(correlation: CorrelationRule, key_values: Sequence[Any]) -> str:
    span = int(correlation.timespan.total_seconds())
    text = f"Correlation {correlation.kind} of {', '.join(correlation.rules)} within {span}s"
    if correlation.group_by:
        pairs = ", ".join(f"{group}={value}" for group, value in zip(correlation.group_by, key_values, strict=False))
        text += f" for {pairs}"
    if correlation.conditions:
        text += " (" + " and ".join(f"{op} {threshold:g}" for op, threshold in correlation.conditions) + ")"
    return text + "."


def correlation_findings(
    connection: duckdb.DuckDBPyConnection,
    correlation: CorrelationRule,
    placements: Mapping[str, Placement],
    fields: Mapping[str, str],
) -> list[Finding]:
    """The findings of one correlation rule.

    Args:
        connection: the connection holding the rule pass's tables.
        correlation: the correlation rule.
        placements: rule_id -> where its base rules' matches are.
        fields: Sigma field name -> the column holding it.
    """
    if correlation.kind == "temporal_ordered" or correlation.expression is not None:
        return _python_findings(connection, correlation, base_sql(correlation, placements, fields))
    keys = _keys(correlation)
    result = connection.execute(_window_sql(correlation, placements, fields))
    columns = [description[0] for description in result.description]
    findings = []
    for row in result.fetchall():
        record = dict(zip(columns, row, strict=True))
        findings.append(
            Finding(
                rule=correlation,
                principal=record["principal"],
                first_seen=record["first_seen"],
                last_seen=record["last_seen"],
                event_ids=list(dict.fromkeys(record["ids"])),
                account_id=record["account"],
                region=record["region"],
                event_names=record["names"],
                resources=record["resources"] or (),
                unread=record["unread"] or (),
                detail=_detail(correlation, [record[key] for key in keys] if correlation.group_by else []),
            )
        )
    return findings


def _expression_holds(expression: Sequence[object], present: set[str]) -> bool:
    kind = expression[0]
    if kind == "rule":
        return expression[1] in present
    args = [arg for arg in expression[1:] if isinstance(arg, tuple)]
    if kind == "not":
        return not _expression_holds(args[0], present)
    if kind == "and":
        return all(_expression_holds(arg, present) for arg in args)
    return any(_expression_holds(arg, present) for arg in args)


def _ordered_count(rules: Sequence[int], count: int) -> int:
    """How many of the base rules 0..count-1 occur one after another, in that order, in time-ordered rows."""
    matched = 0
    position = 0
    for wanted in range(count):
        while position < len(rules) and rules[position] != wanted:
            position += 1
        if position >= len(rules):
            break
        matched += 1
    return matched


def _python_findings(connection: duckdb.DuckDBPyConnection, correlation: CorrelationRule, base: str) -> list[Finding]:
    keys = _keys(correlation)
    order = ", ".join([*keys, "_t", "_id", "_r"])
    result = connection.execute(f"SELECT * FROM ({base}) ORDER BY {order}")
    columns = [description[0] for description in result.description]
    rows = [dict(zip(columns, row, strict=True)) for row in result.fetchall()]
    span = correlation.timespan.total_seconds()
    findings: list[Finding] = []
    start = 0
    while start < len(rows):
        end = start
        group = tuple(rows[start][key] for key in keys)
        while end < len(rows) and tuple(rows[end][key] for key in keys) == group:
            end += 1
        findings.extend(_group_findings(correlation, rows[start:end], span, list(group)))
        start = end
    return findings


def _satisfied(correlation: CorrelationRule, window: Sequence[Mapping[str, Any]]) -> bool:
    rules = [int(row["_r"]) for row in window]
    if correlation.expression is not None:
        present = {correlation.rules[index] for index in rules}
        return _expression_holds(correlation.expression, present)
    ordered = correlation.kind == "temporal_ordered"
    count = _ordered_count(rules, len(correlation.rules)) if ordered else len(set(rules))
    return all(PY_OPERATORS[op](count, threshold) for op, threshold in correlation.conditions)


def _group_findings(
    correlation: CorrelationRule, rows: Sequence[Mapping[str, Any]], span: float, key_values: list[Any]
) -> list[Finding]:
    times = [row["_t"].timestamp() for row in rows]
    anchors: list[int] = []
    end = 0
    for index, moment in enumerate(times):
        end = max(end, index)
        while end < len(rows) and times[end] <= moment + span:
            end += 1
        if _satisfied(correlation, rows[index:end]):
            anchors.append(index)
    findings: list[Finding] = []
    run: list[int] = []
    for anchor in [*anchors, -1]:
        if run and (anchor < 0 or times[anchor] - times[run[-1]] > span):
            first, limit = times[run[0]], times[run[-1]] + span
            members = [row for row, moment in zip(rows, times, strict=True) if first <= moment <= limit]
            findings.append(_finding(correlation, members, key_values))
            run = []
        if anchor >= 0:
            run.append(anchor)
    return findings


def _finding(correlation: CorrelationRule, members: Sequence[Mapping[str, Any]], key_values: list[Any]) -> Finding:
    first: datetime = members[0]["_t"]
    last: datetime = members[-1]["_t"]
    principal = Counter(str(row["_p"]) for row in members).most_common(1)[0][0]
    return Finding(
        rule=correlation,
        principal=principal,
        first_seen=first,
        last_seen=last,
        event_ids=list(dict.fromkeys(str(row["_id"]) for row in members)),
        account_id=str(members[0]["_a"]),
        region=str(members[0]["_reg"]),
        event_names=sorted({str(row["_n"]) for row in members[:MAX_SAMPLE]}),
        resources=resources_from(str(row["_rp"]) for row in members[:MAX_SAMPLE] if row["_rp"] is not None),
        detail=_detail(correlation, key_values if correlation.group_by else []),
    )
