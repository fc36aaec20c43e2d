"""Stateful detectors: per-principal baselines that persist between runs.

Each detector watches one kind of "first time": a key (an access key, a principal, an instance's
credentials, the account) seen with a value it never had before (a source network, a user agent
family, an API family, a region, an outside account granted access). A first time raises an alert
only once the key has a history of its own (``learning``, measured in event time from the key's
first event of any kind), so a new principal's first day is not an alert storm.

State lives in ``STORE/baselines.duckdb`` (tables ``seen`` and ``keys``) and is updated in one
transaction per run: an interrupted run leaves the previous state intact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from cloudward.checks.model import Severity
from cloudward.detect.alert import Alert

# Who acted, at the granularity a baseline makes sense: a role (not each of its sessions), except an
# EC2 instance's credentials (session named after the instance), which are tracked per instance.
# (The cheap test guards the regular expression in a CASE: DuckDB may reorder the operands of an AND.)
INSTANCE_ARN = (
    "CASE WHEN contains(userIdentity.arn, '/i-') THEN regexp_matches(userIdentity.arn, '/i-[0-9a-f]{8,17}$') END"
)
ACTOR_SQL = f"""CASE
    WHEN userIdentity.type = 'AssumedRole' AND ({INSTANCE_ARN})
        THEN userIdentity.arn
    WHEN userIdentity.type = 'AssumedRole'
        THEN coalesce(userIdentity.sessionContext.sessionIssuer.arn, userIdentity.arn)
    ELSE coalesce(userIdentity.arn, userIdentity.principalId)
END"""
PRINCIPAL_SQL = "coalesce(userIdentity.arn, userIdentity.principalId, userIdentity.type, 'unknown')"
# A /24 for IPv4, a /48 for IPv6; NULL for AWS service names ("lambda.amazonaws.com", "AWS Internal").
NETWORK_SQL = """CASE
    WHEN regexp_matches(sourceIPAddress, '^\\d+\\.\\d+\\.\\d+\\.\\d+$')
        THEN regexp_extract(sourceIPAddress, '^(\\d+\\.\\d+\\.\\d+)\\.', 1) || '.0/24'
    WHEN regexp_matches(sourceIPAddress, '^[0-9a-fA-F]{0,4}:[0-9a-fA-F:]*$')
        THEN lower(regexp_extract(sourceIPAddress, '^([0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2})', 1)) || '::/48'
END"""
# The product and major version of the first token: "aws-cli/2.15.1 Python/3.11" -> "aws-cli/2".
AGENT_SQL = """nullif(lower(regexp_extract(userAgent, '^\\[?([A-Za-z][A-Za-z0-9._-]*)', 1))
    || coalesce('/' || nullif(regexp_extract(userAgent, '^\\[?[A-Za-z][A-Za-z0-9._-]*/(\\d+)', 1), ''), ''), '')"""
LONG_TERM_KEY = "userIdentity.accessKeyId LIKE 'AKIA%'"
INSTANCE_SESSION = f"userIdentity.type = 'AssumedRole' AND ({INSTANCE_ARN})"
NOT_SERVICE = "coalesce(eventType, '') <> 'AwsServiceEvent' AND userIdentity.invokedBy IS NULL"
# Calls that grant another account access to data or roles (shares, resource and trust policies).
GRANTING_CALLS = (
    "ModifySnapshotAttribute",
    "ModifyImageAttribute",
    "ModifyDBSnapshotAttribute",
    "ModifyDBClusterSnapshotAttribute",
    "PutBucketPolicy",
    "CreateRole",
    "UpdateAssumeRolePolicy",
    "PutKeyPolicy",
    "CreateGrant",
    "AddPermission20150331v2",
    "PutResourcePolicy",
    "SetRepositoryPolicy",
    "SetQueueAttributes",
    "SetTopicAttributes",
)
# Twelve-digit account ids in the request, other than the account's own (one row per id).
OUTSIDE_ACCOUNTS_SQL = (
    "unnest(list_filter(regexp_extract_all(requestParameters, '[^0-9](\\d{12})(?:[^0-9]|$)', 1), "
    "lambda account: account <> recipientAccountId))"
)


@dataclass(frozen=True)
class Baseline:
    """One kind of first time.

    Attributes:
        name: the detector's id suffix (alerts are ``baseline.<name>``).
        title: the alert title.
        key_sql: the entity that has a history (SQL over the events view).
        value_sql: the attribute whose first appearance is news.
        where_sql: which events count.
        severity: the alert's severity.
        techniques: ATT&CK technique ids.
        tactics: ATT&CK tactics.
        learning: how much history the key needs before a first time is an alert.
        noun: what the value is, for descriptions ("source network").
    """

    name: str
    title: str
    key_sql: str
    value_sql: str
    where_sql: str
    severity: Severity
    techniques: tuple[str, ...]
    tactics: tuple[str, ...]
    learning: timedelta
    noun: str


BASELINES: tuple[Baseline, ...] = (
    Baseline(
        "access_key_new_network",
        "Access key used from a new network",
        "userIdentity.accessKeyId",
        NETWORK_SQL,
        f"{LONG_TERM_KEY} AND {NOT_SERVICE}",
        Severity.MEDIUM,
        ("T1078.004",),
        ("initial-access", "defense-evasion"),
        timedelta(days=3),
        "source network",
    ),
    Baseline(
        "access_key_new_user_agent",
        "Access key used with a new client",
        "userIdentity.accessKeyId",
        AGENT_SQL,
        f"{LONG_TERM_KEY} AND {NOT_SERVICE}",
        Severity.LOW,
        ("T1078.004",),
        ("initial-access",),
        timedelta(days=3),
        "user agent",
    ),
    Baseline(
        "console_login_new_network",
        "Console sign-in from a new network",
        ACTOR_SQL,
        NETWORK_SQL,
        "eventName = 'ConsoleLogin' AND responseElements->>'$.ConsoleLogin' = 'Success'",
        Severity.MEDIUM,
        ("T1078.004",),
        ("initial-access",),
        timedelta(days=3),
        "source network",
    ),
    Baseline(
        "principal_new_api_family",
        "Principal changed a service it never changed before",
        ACTOR_SQL,
        "eventSource",
        f"readOnly = false AND errorCode IS NULL AND {NOT_SERVICE}",
        Severity.LOW,
        ("T1078.004",),
        ("privilege-escalation", "persistence"),
        timedelta(days=7),
        "API family",
    ),
    Baseline(
        "instance_credentials_new_network",
        "Instance credentials used from outside the instance",
        ACTOR_SQL,
        NETWORK_SQL,
        f"{INSTANCE_SESSION} AND {NOT_SERVICE}",
        Severity.HIGH,
        ("T1552.005", "T1078.004"),
        ("credential-access",),
        timedelta(0),
        "source network",
    ),
    Baseline(
        "external_account_granted",
        "Access granted to an account never granted before",
        "recipientAccountId",
        OUTSIDE_ACCOUNTS_SQL,
        f"eventName IN ({', '.join(repr(name) for name in GRANTING_CALLS)}) AND errorCode IS NULL",
        Severity.HIGH,
        ("T1537", "T1098"),
        ("exfiltration", "persistence"),
        timedelta(days=1),
        "outside account",
    ),
    Baseline(
        "region_first_activity",
        "Changes in a region the account never changed before",
        "recipientAccountId",
        "awsRegion",
        f"readOnly = false AND {NOT_SERVICE}",
        Severity.MEDIUM,
        ("T1535",),
        ("defense-evasion",),
        timedelta(days=7),
        "region",
    ),
)

_STATE_SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (detector VARCHAR, key VARCHAR, value VARCHAR, first_seen TIMESTAMPTZ,
                                 PRIMARY KEY (detector, key, value));
CREATE TABLE IF NOT EXISTS keys (detector VARCHAR, key VARCHAR, first_seen TIMESTAMPTZ, PRIMARY KEY (detector, key));
"""
_EVENTS_PER_ALERT = 1000


def run_baselines(
    connection: duckdb.DuckDBPyConnection,
    state_path: Path,
    baselines: Sequence[Baseline] = BASELINES,
) -> list[Alert]:
    """Alerts for every first time in the ``events`` view, then the state updated with what was seen.

    Args:
        connection: a DuckDB connection whose ``events`` view holds the events to learn from (normally
            those ingested by this run).
        state_path: the baseline database (created when missing).
        baselines: the detectors to run.
    """
    state_path.parent.mkdir(parents=True, exist_ok=True)
    connection.execute(f"ATTACH '{_quoted(state_path)}' AS baseline_state")
    try:
        connection.execute("USE baseline_state")
        connection.execute(_STATE_SCHEMA)
        connection.execute("USE memory")
        connection.execute("BEGIN TRANSACTION")
        try:
            histories: dict[str, str] = {}  # key_sql -> its table (detectors that share a key share it)
            alerts: list[Alert] = []
            for baseline in baselines:
                if baseline.key_sql not in histories:
                    histories[baseline.key_sql] = _history(connection, baseline.key_sql, len(histories))
                alerts.extend(_run_one(connection, baseline, histories[baseline.key_sql]))
            for table in histories.values():
                connection.execute(f"DROP TABLE {table}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    finally:
        connection.execute("USE memory")
        connection.execute("DETACH baseline_state")
    return alerts


def _history(connection: duckdb.DuckDBPyConnection, key_sql: str, number: int) -> str:
    """A temporary table of every key's first event in ``events`` (one pass); its name."""
    table = f"baseline_history_{number}"
    connection.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {table} AS
        SELECT key, min(eventTime) AS first_seen FROM (SELECT ({key_sql}) AS key, eventTime FROM events)
        WHERE key IS NOT NULL GROUP BY key
        """
    )
    return table


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _run_one(connection: duckdb.DuckDBPyConnection, baseline: Baseline, history: str) -> list[Alert]:
    connection.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE observed AS
        SELECT * FROM (
            SELECT ({baseline.key_sql}) AS key, ({baseline.value_sql}) AS value, eventTime, eventID,
                   {PRINCIPAL_SQL} AS principal, awsRegion, recipientAccountId, eventName
            FROM events WHERE {baseline.where_sql}
        ) WHERE key IS NOT NULL AND value IS NOT NULL
        """
    )
    connection.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE history AS
        SELECT * FROM {history} WHERE key IN (SELECT DISTINCT key FROM observed)
        """
    )
    rows = connection.execute(
        """
        WITH firsts AS (
            SELECT key, value, min(eventTime) AS first_seen FROM observed GROUP BY key, value
        ), key_first AS (
            SELECT key, min(first_seen) AS first_seen FROM (
                SELECT key, first_seen FROM baseline_state.keys WHERE detector = $detector
                UNION ALL SELECT key, first_seen FROM history
            ) GROUP BY key
        ), fresh AS (
            SELECT f.key, f.value, f.first_seen FROM firsts f
            ANTI JOIN (SELECT key, value FROM baseline_state.seen WHERE detector = $detector) s
                ON s.key = f.key AND s.value = f.value
        )
        SELECT fresh.key, fresh.value, fresh.first_seen,
               list(o.eventID ORDER BY o.eventTime, o.eventID)[1:$cap] AS event_ids,
               max(o.eventTime) AS last_seen,
               arg_min(o.principal, struct_pack(t := o.eventTime, i := o.eventID)) AS principal,
               arg_min(o.awsRegion, struct_pack(t := o.eventTime, i := o.eventID)) AS region,
               arg_min(o.recipientAccountId, struct_pack(t := o.eventTime, i := o.eventID)) AS account,
               list_sort(list(DISTINCT o.eventName))[1:5] AS event_names
        FROM fresh JOIN key_first k ON k.key = fresh.key
        JOIN observed o ON o.key = fresh.key AND o.value = fresh.value
            AND o.eventTime < fresh.first_seen + INTERVAL 1 HOUR
        WHERE fresh.first_seen > k.first_seen + to_microseconds($learning)
        GROUP BY fresh.key, fresh.value, fresh.first_seen
        ORDER BY fresh.first_seen, fresh.key, fresh.value
        """,
        {"detector": baseline.name, "cap": _EVENTS_PER_ALERT, "learning": int(baseline.learning.total_seconds() * 1e6)},
    ).fetchall()
    connection.execute(
        """
        INSERT INTO baseline_state.seen
        SELECT $detector, key, value, min(eventTime) FROM observed GROUP BY key, value
        ON CONFLICT DO UPDATE SET first_seen = least(first_seen, excluded.first_seen)
        """,
        {"detector": baseline.name},
    )
    connection.execute(
        """
        INSERT INTO baseline_state.keys
        SELECT $detector, key, first_seen FROM history
        ON CONFLICT DO UPDATE SET first_seen = least(first_seen, excluded.first_seen)
        """,
        {"detector": baseline.name},
    )
    return [_alert(baseline, *row) for row in rows]


def _alert(
    baseline: Baseline,
    key: str,
    value: str,
    first_seen: datetime,
    event_ids: list[str],
    last_seen: datetime,
    principal: str,
    region: str | None,
    account: str | None,
    event_names: list[str],
) -> Alert:
    calls = ", ".join(event_names)
    return Alert(
        rule_id=f"baseline.{baseline.name}",
        title=baseline.title,
        severity=baseline.severity,
        techniques=baseline.techniques,
        tactics=baseline.tactics,
        principal=principal,
        account_id=account or "",
        region=region or "",
        first_seen=first_seen,
        last_seen=last_seen,
        event_ids=tuple(event_ids),
        description=(
            f"{baseline.title}: {key} used {baseline.noun} {value} for the first time "
            f"({len(event_ids)} call(s) in the first hour: {calls})"
        ),
        source="baseline",
        resources=(key,),
    )
