"""Granting calls that name an outside account are medium alerts; the account's own id is not outside."""

from __future__ import annotations

from typing import Any

import duckdb

from cloudward.detect.grants import run_outside_grants
from cloudward.detect.rows import records_to_table

ACCOUNT = "123456789012"


def _call(event_id: str, name: str, parameters: dict[str, Any], error: str | None = None) -> dict[str, Any]:
    return {
        "eventID": event_id,
        "eventTime": "2026-11-02T10:00:00Z",
        "eventName": name,
        "eventSource": "s3.amazonaws.com",
        "awsRegion": "us-east-1",
        "recipientAccountId": ACCOUNT,
        "errorCode": error,
        "userIdentity": {"type": "IAMUser", "arn": f"arn:aws:iam::{ACCOUNT}:user/dan"},
        "requestParameters": parameters,
    }


def _policy(principal: str) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "s3:GetObject", "Resource": "*"}
    return {"bucketName": "acme-data", "bucketPolicy": {"Version": "2012-10-17", "Statement": [statement]}}


def test_outside_accounts_are_named_and_own_or_failed_grants_are_not() -> None:
    records = [
        _call("outside", "PutBucketPolicy", _policy("arn:aws:iam::739562084613:root")),
        _call("own", "PutBucketPolicy", _policy(f"arn:aws:iam::{ACCOUNT}:role/reader")),
        _call("denied", "PutBucketPolicy", _policy("arn:aws:iam::739562084613:root"), error="AccessDenied"),
        _call(
            "trust",
            "UpdateAssumeRolePolicy",
            {
                "roleName": "ops",
                "policyDocument": '{"Statement":[{"Principal":{"AWS":"arn:aws:iam::444455556666:root"}}]}',
            },
        ),
        _call("read", "GetBucketPolicy", {"bucketName": "arn:aws:iam::739562084613:root"}),
    ]
    connection = duckdb.connect()
    connection.register("events", records_to_table(records))
    alerts = run_outside_grants(connection)
    assert [(alert.event_ids, alert.techniques, alert.resources) for alert in alerts] == [
        (("outside",), ("T1537",), ("acme-data",)),
        (("trust",), ("T1098",), ("ops",)),
    ]
    assert "739562084613" in alerts[0].description and alerts[0].severity == "medium"
