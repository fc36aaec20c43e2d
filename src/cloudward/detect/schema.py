"""The event store's schema: one row per CloudTrail record, with CloudTrail's own field names.

Columns keep CloudTrail's names so that a Sigma field (``eventName``, ``userIdentity.arn``,
``requestParameters.bucketName``) and a hunter's SQL read the same way:

* top-level scalars are plain columns (``eventTime`` is a UTC timestamp, ``readOnly`` a boolean);
* ``userIdentity`` is a STRUCT, so DuckDB reads ``userIdentity.sessionContext.sessionIssuer.arn``;
* free-form objects (``requestParameters``, ``responseElements``, ``additionalEventData``,
  ``resources``, ``serviceEventDetails``, ``tlsDetails``) are JSON text: ``requestParameters->>'$.bucketName'``;
* ``raw`` is the record exactly as delivered (JSON text), so no field is ever lost;
* ``sourceFile`` names the file (or ``s3://`` object, or ``lookup-events``) the record came from.

A value CloudTrail did not send is NULL; a JSON ``null`` inside a JSON column stays ``null`` there.
"""

from __future__ import annotations

import pyarrow as pa

SESSION_ISSUER = pa.struct(
    [
        ("type", pa.string()),
        ("principalId", pa.string()),
        ("arn", pa.string()),
        ("accountId", pa.string()),
        ("userName", pa.string()),
    ]
)
SESSION_ATTRIBUTES = pa.struct([("mfaAuthenticated", pa.string()), ("creationDate", pa.string())])
SESSION_CONTEXT = pa.struct(
    [
        ("attributes", SESSION_ATTRIBUTES),
        ("sessionIssuer", SESSION_ISSUER),
        ("sourceIdentity", pa.string()),
    ]
)
USER_IDENTITY = pa.struct(
    [
        ("type", pa.string()),
        ("principalId", pa.string()),
        ("arn", pa.string()),
        ("accountId", pa.string()),
        ("accessKeyId", pa.string()),
        ("userName", pa.string()),
        ("invokedBy", pa.string()),
        ("sessionContext", SESSION_CONTEXT),
    ]
)

# Free-form objects kept as JSON text.
JSON_COLUMNS = (
    "requestParameters",
    "responseElements",
    "additionalEventData",
    "resources",
    "serviceEventDetails",
    "tlsDetails",
)

EVENT_SCHEMA = pa.schema(
    [
        ("eventID", pa.string()),
        ("eventTime", pa.timestamp("us", tz="UTC")),
        ("eventVersion", pa.string()),
        ("eventSource", pa.string()),
        ("eventName", pa.string()),
        ("awsRegion", pa.string()),
        ("sourceIPAddress", pa.string()),
        ("userAgent", pa.string()),
        ("errorCode", pa.string()),
        ("errorMessage", pa.string()),
        ("eventType", pa.string()),
        ("eventCategory", pa.string()),
        ("readOnly", pa.bool_()),
        ("managementEvent", pa.bool_()),
        ("recipientAccountId", pa.string()),
        ("sharedEventID", pa.string()),
        ("vpcEndpointId", pa.string()),
        ("userIdentity", USER_IDENTITY),
        *((name, pa.string()) for name in JSON_COLUMNS),
        ("raw", pa.string()),
        ("sourceFile", pa.string()),
    ]
)

# Dotted Sigma/CloudTrail field paths that are columns or struct members (anything else under a
# JSON column is read with a JSON path; any other top-level field is read from ``raw``).
STRUCT_COLUMN = "userIdentity"
