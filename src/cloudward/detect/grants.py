"""Access granted to another AWS account: shares, resource policies and role trusts naming an outside account.

Sigma cannot say "an account id other than the record's own", so this detector is SQL: every successful
granting call whose request names a twelve-digit account id other than ``recipientAccountId`` is a
medium alert. Whether that account was ever granted access before is the business of the
``external_account_granted`` baseline, which raises a high alert for a first grant.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from cloudward.checks.model import Severity
from cloudward.detect.alert import Alert
from cloudward.detect.baselines import GRANTING_CALLS, OUTSIDE_ACCOUNTS_SQL, PRINCIPAL_SQL

RULE_ID = "cloudward.outside_account_granted"
TRUST_CALLS = frozenset({"CreateRole", "UpdateAssumeRolePolicy"})


def run_outside_grants(connection: duckdb.DuckDBPyConnection) -> list[Alert]:
    """One alert per granting call in the ``events`` view that names an outside account."""
    calls = ", ".join(f"'{name}'" for name in GRANTING_CALLS)
    rows = connection.execute(
        f"""
        SELECT eventID, eventTime, eventName, principal, awsRegion, recipientAccountId,
               list(DISTINCT outside ORDER BY outside) AS outside,
               coalesce(requestParameters->>'$.bucketName', requestParameters->>'$.snapshotId',
                        requestParameters->>'$.imageId', requestParameters->>'$.dBSnapshotIdentifier',
                        requestParameters->>'$.dBClusterSnapshotIdentifier', requestParameters->>'$.roleName',
                        requestParameters->>'$.functionName', requestParameters->>'$.keyId',
                        requestParameters->>'$.resourceArn', requestParameters->>'$.repositoryName',
                        requestParameters->>'$.queueUrl', requestParameters->>'$.topicArn') AS target
        FROM (
            SELECT eventID, eventTime, eventName, {PRINCIPAL_SQL} AS principal, awsRegion, recipientAccountId,
                   requestParameters, {OUTSIDE_ACCOUNTS_SQL} AS outside
            FROM events WHERE eventName IN ({calls}) AND errorCode IS NULL
        )
        GROUP BY ALL
        ORDER BY eventTime, eventID
        """
    ).fetchall()
    return [_alert(*row) for row in rows]


def _alert(
    event_id: str,
    when: datetime,
    event_name: str,
    principal: str,
    region: str | None,
    account: str | None,
    outside: list[str],
    target: str | None,
) -> Alert:
    trust = event_name in TRUST_CALLS
    what = f"{event_name} on {target}" if target else event_name
    return Alert(
        rule_id=RULE_ID,
        title="Role trust granted to an outside account" if trust else "Data shared with an outside account",
        severity=Severity.MEDIUM,
        techniques=("T1098",) if trust else ("T1537",),
        tactics=("persistence",) if trust else ("exfiltration",),
        principal=principal,
        account_id=account or "",
        region=region or "",
        first_seen=when,
        last_seen=when,
        event_ids=(event_id,),
        description=f"{principal} granted account(s) {', '.join(outside)} access: {what}",
        source="builtin",
        resources=(target,) if target else (),
    )
