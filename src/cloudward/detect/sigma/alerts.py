"""Matched records as alerts: who did what, when, to which resources, and which rule says so."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import orjson

from cloudward.detect.alert import Alert
from cloudward.detect.sigma.fields import json_path, quote_literal
from cloudward.detect.sigma.rules import Rule

MAX_RESOURCES = 10
MAX_NAMED_ACTIONS = 5
MAX_SAMPLE = 10  # records per alert whose API calls and parameters the description names
MAX_LOOKUPS = 2  # records per alert whose parameters are read back when the scan did not keep them
# requestParameters members that name what a call touched, most specific first.
RESOURCE_KEYS = (
    "bucketName",
    "instanceId",
    "userName",
    "roleName",
    "groupName",
    "policyArn",
    "functionName",
    "secretId",
    "keyId",
    "snapshotId",
    "imageId",
    "dBInstanceIdentifier",
    "dBClusterIdentifier",
    "dBSnapshotIdentifier",
    "trailName",
    "detectorId",
    "groupId",
    "clusterName",
    "tableName",
    "logGroupName",
    "topicArn",
    "queueUrl",
    "roleArn",
    "name",
)
_INSTANCE_ITEMS = "$.instancesSet.items[*].instanceId"


def resources_sql(request_parameters_list: str) -> str:
    """SQL: the resource names in a list of requestParameters JSON texts (distinct, at most MAX_RESOURCES)."""
    paths = "[" + ", ".join(quote_literal(json_path((key,))) for key in RESOURCE_KEYS) + "]"
    per_record = (
        f"list_concat(json_extract_string(x, {paths}), "
        f"COALESCE(json_extract_string(x, {quote_literal(_INSTANCE_ITEMS)}), []))"
    )
    names = f"flatten(list_transform({request_parameters_list}, lambda x: {per_record}))"
    keep = "lambda y: y IS NOT NULL AND y <> '' AND NOT starts_with(y, '{') AND NOT starts_with(y, '[')"
    return f"list_sort(list_distinct(list_filter({names}, {keep})))[1:{MAX_RESOURCES}]"


def summary_sql(prefix: str = "") -> tuple[str, str]:
    """SQL summarising a group of matched records: (aggregates, then the projection over them).

    The aggregates are ``first_seen``, ``last_seen``, ``ids`` (every eventID, in time order) and a sample
    of the first MAX_SAMPLE records; the projection reads ``account`` and ``region`` (of the first
    record), ``names`` (the API calls in the sample), ``resources`` from the sample, and ``unread``: the
    first sampled records whose request parameters were not kept, to look up.

    Args:
        prefix: the table alias of the record columns (``b.``), if any.
    """
    p = prefix
    aggregates = (
        f"min({p}_t) AS first_seen, max({p}_t) AS last_seen, list({p}_id ORDER BY {p}_t, {p}_id) AS ids, "
        f"arg_min(struct_pack(a := {p}_a, reg := {p}_reg, n := {p}_n, rp := {p}_rp, i := {p}_id), "
        f"struct_pack(t := {p}_t, i := {p}_id), {MAX_SAMPLE})"
        " AS _sample"
    )
    projection = (
        "first_seen, last_seen, ids, _sample[1].a AS account, _sample[1].reg AS region, "
        "list_sort(list_distinct(list_transform(_sample, lambda x: x.n))) AS names, "
        f"{resources_sql('list_transform(_sample, lambda x: x.rp)')} AS resources, "
        f"list_transform(list_filter(_sample, lambda x: x.rp IS NULL), lambda x: x.i)[1:{MAX_LOOKUPS}] AS unread"
    )
    return aggregates, projection


def resources_from(request_parameters: Iterable[str | None]) -> tuple[str, ...]:
    """The resource names in requestParameters JSON texts (Python twin of :func:`resources_sql`)."""
    found: set[str] = set()
    for text in request_parameters:
        if not text:
            continue
        try:
            parameters = orjson.loads(text)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(parameters, dict):
            continue
        for key in RESOURCE_KEYS:
            value = parameters.get(key)
            if isinstance(value, str) and value:
                found.add(value)
        items = parameters.get("instancesSet", {})
        if isinstance(items, dict) and isinstance(items.get("items"), list):
            for item in items["items"]:
                if isinstance(item, dict) and isinstance(item.get("instanceId"), str):
                    found.add(item["instanceId"])
    return tuple(sorted(found)[:MAX_RESOURCES])


@dataclass(frozen=True)
class Finding:
    """What one alert is made of, before it becomes an :class:`Alert` (event_ids distinct, in time order).

    ``unread``: records whose request parameters the scan did not keep, to read back for ``resources``.
    """

    rule: Rule
    principal: str
    first_seen: datetime
    last_seen: datetime
    event_ids: Sequence[str]
    account_id: str
    region: str
    event_names: Sequence[str]
    resources: Sequence[str]
    detail: str = ""
    unread: Sequence[str] = ()


def describe(finding: Finding, count: int) -> str:
    """One or two sentences naming the rule, the principal, the API calls and how many records.

    The API calls and resources named are those of the first records (see MAX_SAMPLE).
    """
    names = sorted(set(finding.event_names))
    listed = ", ".join(names[:MAX_NAMED_ACTIONS]) + (
        f" and {len(names) - MAX_NAMED_ACTIONS} more" if len(names) > MAX_NAMED_ACTIONS else ""
    )
    records = "record" if count == 1 else "records"
    rule = finding.rule
    text = f"{rule.title} ({rule.rule_id}): {finding.principal} called {listed or 'an API'} ({count} {records})"
    if finding.resources:
        text += " on " + ", ".join(finding.resources[:3]) + (" and more" if len(finding.resources) > 3 else "")
    text += "."
    if finding.detail:
        text += " " + finding.detail
    return text


def make_alert(finding: Finding, source: str) -> Alert:
    """The alert for a finding (``source`` unless the rule was loaded with its own)."""
    event_ids = tuple(finding.event_ids)
    return Alert(
        rule_id=finding.rule.rule_id,
        title=finding.rule.title,
        severity=finding.rule.severity,
        techniques=finding.rule.techniques,
        tactics=finding.rule.tactics,
        principal=finding.principal,
        account_id=finding.account_id,
        region=finding.region,
        first_seen=finding.first_seen,
        last_seen=finding.last_seen,
        event_ids=event_ids,
        description=describe(finding, len(event_ids)),
        source=finding.rule.origin or source,
        resources=tuple(finding.resources),
    )
