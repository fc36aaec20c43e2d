"""Test helper: CloudTrail records synthesised from Sigma rules, and pysigma-backend-sqlite as an oracle.

The oracle is independent of cloudward's engine: pySigma's sqlite backend converts each rule to SQL,
which runs over the records flattened into a sqlite3 table the way the backend expects: one TEXT
COLLATE NOCASE column per dotted field name the rules use (``additionalEventData.MFAUsed``), holding
the value at that path (objects and arrays as compact JSON text, JSON booleans as ``true``/``false``,
numbers as written, null or absent as NULL), and a REGEXP function.

Records are derived from each rule's own detection: the condition is put in disjunctive normal form,
each term gives a record that satisfies it (positive literals get a value their Sigma value matches,
negated ones a value it does not), and near misses change one literal at a time (value changed, case
changed, field absent, field null).
"""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import duckdb
import yaml
from sigma.backends.sqlite.sqlite import sqliteBackend
from sigma.collection import SigmaCollection
from sigma.conditions import (
    ConditionAND,
    ConditionFieldEqualsValueExpression,
    ConditionItem,
    ConditionNOT,
    ConditionOR,
    ConditionValueExpression,
)
from sigma.rule import SigmaRule
from sigma.types import (
    CompareOperators,
    SigmaBool,
    SigmaCIDRExpression,
    SigmaCompareExpression,
    SigmaExists,
    SigmaExpansion,
    SigmaFieldReference,
    SigmaNull,
    SigmaNumber,
    SigmaRegularExpression,
    SigmaString,
    SigmaType,
    SpecialChars,
)

from cloudward.detect.rows import records_to_table

SIGMA_AWS = Path(__file__).resolve().parents[1] / "fixtures" / "sigma-aws"
JSON_OBJECT_FIELDS = frozenset(
    {
        "requestParameters",
        "responseElements",
        "additionalEventData",
        "serviceEventDetails",
        "tlsDetails",
        "userIdentity",
    }
)
FILLER = "Zq"
ABSENT = object()


@dataclass(frozen=True)
class Literal:
    """A field/value leaf of a condition, possibly negated."""

    field: str | None
    value: SigmaType
    positive: bool


def _dnf(node: object, negate: bool = False, limit: int = 64) -> list[list[Literal]]:
    if isinstance(node, ConditionFieldEqualsValueExpression):
        return [[Literal(node.field, node.value, not negate)]]
    if isinstance(node, ConditionValueExpression):
        return [[Literal(None, node.value, not negate)]]
    if isinstance(node, ConditionNOT):
        return _dnf(node.args[0], not negate, limit)
    if isinstance(node, ConditionAND | ConditionOR):
        children = [_dnf(arg, negate, limit) for arg in node.args]
        conjunctive = isinstance(node, ConditionAND) != negate
        if conjunctive:
            terms = [[literal for term in combo for literal in term] for combo in itertools.product(*children)]
        else:
            terms = [term for child in children for term in child]
        return terms[:limit]
    raise TypeError(f"unexpected condition node {type(node).__name__}")


def condition_terms(rule: SigmaRule) -> list[list[Literal]]:
    """The rule's condition in disjunctive normal form."""
    terms: list[list[Literal]] = []
    for condition in rule.detection.parsed_condition:
        tree = condition.parse()
        assert isinstance(tree, ConditionItem | ConditionFieldEqualsValueExpression | ConditionValueExpression)
        terms.extend(_dnf(tree))
    return terms


def _regex_example(pattern: str) -> str:
    """A string the (simple) regular expression matches: literals, escapes, ``.``, classes, quantifiers."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            token = pattern[i + 1]
            token = {"d": "7", "w": "w", "s": " "}.get(token, token)
            i += 2
        elif char == "[":
            end = pattern.index("]", i + 1)
            token = pattern[i + 1] if pattern[i + 1] != "^" else "Q"
            i = end + 1
        elif char == ".":
            token, i = "a", i + 1
        elif char in "^$":
            i += 1
            continue
        elif char in "()|{":
            raise NotImplementedError(f"regex example for {pattern!r}")
        else:
            token, i = char, i + 1
        if i < len(pattern) and pattern[i] in "*?":
            i += 1
            continue
        if i < len(pattern) and pattern[i] == "+":
            i += 1
        out.append(token)
    return "".join(out)


def string_example(value: SigmaString) -> str:
    """A string the Sigma string matches (wildcards filled in)."""
    parts = []
    for part in value.s:
        if part is SpecialChars.WILDCARD_MULTI:
            parts.append(FILLER)
        elif part is SpecialChars.WILDCARD_SINGLE:
            parts.append("Q")
        else:
            parts.append(str(part))
    return "".join(parts)


def satisfying(value: SigmaType) -> Any:
    """A JSON value that the Sigma value matches (ABSENT: leave the field out)."""
    if isinstance(value, SigmaExpansion):
        return satisfying(value.values[0])
    if isinstance(value, SigmaString):
        return string_example(value)
    if isinstance(value, SigmaRegularExpression):
        return _regex_example(str(value.regexp))
    if isinstance(value, SigmaBool):
        return value.boolean
    if isinstance(value, SigmaNumber):
        return value.number
    if isinstance(value, SigmaNull):
        return ABSENT
    if isinstance(value, SigmaExists):
        return "present" if value.exists else ABSENT
    if isinstance(value, SigmaCIDRExpression):
        return str(next(iter(value.network.hosts()), value.network.network_address))
    if isinstance(value, SigmaCompareExpression):
        number = value.number.number
        return (
            number + 1 if value.op in (CompareOperators.GT, CompareOperators.GTE, CompareOperators.NEQ) else number - 1
        )
    if isinstance(value, SigmaFieldReference):
        return "ref-value"
    raise NotImplementedError(type(value).__name__)


def violating(value: SigmaType) -> Any:
    """A JSON value that the Sigma value does not match."""
    if isinstance(value, SigmaNull):
        return "zz-not-null"
    if isinstance(value, SigmaExists):
        return ABSENT if value.exists else "zz-present"
    if isinstance(value, SigmaBool):
        return not value.boolean
    if isinstance(value, SigmaNumber | SigmaCompareExpression):
        return -999999
    if isinstance(value, SigmaCIDRExpression):
        return "not-an-ip"
    if isinstance(value, SigmaFieldReference):
        return "zz-other-value"
    return "zz-not-matching"


def set_path(record: dict[str, Any], field: str, value: Any) -> None:
    """Set a dotted field in a nested record (ABSENT removes it); objects named whole are merged."""
    segments = field.split(".")
    node = record
    for segment in segments[:-1]:
        child = node.get(segment)
        if not isinstance(child, dict):
            if value is ABSENT:
                return
            child = {}
            node[segment] = child
        node = child
    last = segments[-1]
    if value is ABSENT:
        node.pop(last, None)
        return
    if len(segments) == 1 and last in JSON_OBJECT_FIELDS and isinstance(value, str):
        # A value searched in an object's JSON text: a quoted string there is a JSON string member.
        text = str(value).removeprefix(FILLER).removesuffix(FILLER)
        text = text[1:-1] if len(text) > 1 and text.startswith('"') and text.endswith('"') else text
        current = node.get(last)
        existing: dict[str, Any] = current if isinstance(current, dict) else {}
        value = {**existing, f"v{len(existing)}": text}
    elif isinstance(value, dict) and isinstance(node.get(last), dict):
        value = {**node[last], **value}
    node[last] = value


def get_path(record: dict[str, Any], field: str) -> Any:
    """The value at a dotted path of a nested record (ABSENT when missing)."""
    node: Any = record
    for segment in field.split("."):
        if not isinstance(node, dict) or segment not in node:
            return ABSENT
        node = node[segment]
    return node


class RecordFactory:
    """Makes CloudTrail-like records with unique eventIDs and increasing eventTimes."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.count = 0

    def base(self, label: str) -> dict[str, Any]:
        """A plain record: an IAM user calling an API, every field a rule might test left to the caller."""
        self.count += 1
        return {
            "eventVersion": "1.09",
            "eventID": f"{self.prefix}-{self.count:05d}-{label}",
            "eventTime": f"2026-11-01T{10 + self.count // 3600:02d}:{self.count // 60 % 60:02d}:{self.count % 60:02d}Z",
            "userIdentity": {
                "type": "IAMUser",
                "principalId": "AIDAEXAMPLE",
                "arn": "arn:aws:iam::111122223333:user/alice",
                "accountId": "111122223333",
                "userName": "alice",
            },
            "awsRegion": "us-east-1",
            "sourceIPAddress": "198.51.100.7",
            "userAgent": "aws-cli/2.15.0",
            "eventType": "AwsApiCall",
            "recipientAccountId": "111122223333",
        }


def _apply(record: dict[str, Any], literal: Literal, value: Any) -> None:
    if literal.field is None:
        record.setdefault("keywords", []).append(value)
        return
    set_path(record, literal.field, value)
    if isinstance(literal.value, SigmaFieldReference) and value is not ABSENT:
        set_path(record, literal.value.field, value if literal.positive else "zz-reference")


def _satisfy(record: dict[str, Any], term: Sequence[Literal]) -> None:
    for literal in term:
        if literal.positive:
            value = satisfying(literal.value)
            if isinstance(literal.value, SigmaFieldReference):
                current = get_path(record, literal.value.field)
                value = current if isinstance(current, str) else value
            _apply(record, literal, value)
    for literal in term:
        # A negated literal on a field the term leaves out is already false, except where absence
        # is what the value asks for (null, exists: false) or the value compares with another field.
        if (
            not literal.positive
            and literal.field is not None
            and isinstance(literal.value, SigmaNull | SigmaExists | SigmaFieldReference)
        ):
            _apply(record, literal, violating(literal.value))


def _swap_case(value: Any) -> Any:
    return value.swapcase() if isinstance(value, str) else value


def _typed(value: Any) -> Any:
    """The JSON-typed twin of a string that reads as a boolean or a number (CloudTrail writes both)."""
    if isinstance(value, str):
        if value.lower() in ("true", "false"):
            return value.lower() == "true"
        if re.fullmatch(r"-?\d+", value):
            return int(value)
    return value


def rule_records(rule: SigmaRule, factory: RecordFactory) -> Iterator[dict[str, Any]]:
    """Records that satisfy each term of the rule's condition, and near misses of each."""
    for term_index, term in enumerate(condition_terms(rule)):
        record = factory.base(f"t{term_index}")
        _satisfy(record, term)
        yield record
        for literal_index, literal in enumerate(term):
            if literal.field is None:
                continue
            label = f"t{term_index}l{literal_index}"
            current = get_path(record, literal.field)
            variants: list[tuple[str, Any]] = [
                ("changed", violating(literal.value) if literal.positive else satisfying(literal.value))
            ]
            if isinstance(current, str):
                variants.append(("case", _swap_case(current)))
                if _typed(current) is not current:
                    variants.append(("typed", _typed(current)))
            variants += [("absent", ABSENT), ("null", None)]
            for name, value in variants:
                variant = json.loads(json.dumps(record))
                variant["eventID"] = factory.base(f"{label}-{name}")["eventID"]
                _apply(variant, literal, value)
                yield variant


def benign_records(factory: RecordFactory) -> list[dict[str, Any]]:
    """Everyday records: role sessions, S3 and KMS calls, a console login with MFA, errors, nulls."""
    records = []
    calls = [
        ("s3.amazonaws.com", "GetObject", {"bucketName": "data", "key": "a.json"}, None),
        (
            "s3.amazonaws.com",
            "PutBucketVersioning",
            {"bucketName": "data", "VersioningConfiguration": {"Status": "Enabled"}},
            None,
        ),
        (
            "sts.amazonaws.com",
            "AssumeRole",
            {"roleArn": "arn:aws:iam::111122223333:role/app", "roleSessionName": "s1"},
            None,
        ),
        ("kms.amazonaws.com", "Decrypt", None, None),
        ("ec2.amazonaws.com", "DescribeInstances", {"instancesSet": {"items": [{"instanceId": "i-1"}]}}, None),
        (
            "iam.amazonaws.com",
            "CreateAccessKey",
            {"userName": "alice"},
            {"accessKey": {"userName": "alice", "status": "Active"}},
        ),
        ("iam.amazonaws.com", "UpdateLoginProfile", {"userName": "alice"}, None),
        ("signin.amazonaws.com", "ConsoleLogin", None, {"ConsoleLogin": "Success"}),
        (
            "rds.amazonaws.com",
            "RestoreDBInstanceFromDBSnapshot",
            {"dBInstanceIdentifier": "db"},
            {"publiclyAccessible": False},
        ),
        ("ec2.amazonaws.com", "CreateInstanceExportTask", {}, {"exportTask": {"state": "active"}}),
        ("lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2", {"functionName": "f", "layers": []}, None),
    ]
    for index, (source, name, request, response) in enumerate(calls):
        record = factory.base(f"benign{index}")
        record.update(
            {"eventSource": source, "eventName": name, "requestParameters": request, "responseElements": response}
        )
        records.append(record)
    role = factory.base("benign-role")
    role["userIdentity"] = {
        "type": "AssumedRole",
        "principalId": "AROAEXAMPLE:i-0abc",
        "arn": "arn:aws:sts::111122223333:assumed-role/app/i-0abc",
        "sessionContext": {"sessionIssuer": {"type": "Role", "arn": "arn:aws:iam::111122223333:role/app"}},
    }
    role.update({"eventSource": "ssm.amazonaws.com", "eventName": "GetParameter", "requestParameters": {"name": "/x"}})
    records.append(role)
    login = factory.base("benign-mfa")
    login.update(
        {
            "eventSource": "signin.amazonaws.com",
            "eventName": "ConsoleLogin",
            "additionalEventData": {"MFAUsed": "Yes"},
            "responseElements": {"ConsoleLogin": "Success"},
        }
    )
    records.append(login)
    denied = factory.base("benign-denied")
    denied.update({"eventSource": "iam.amazonaws.com", "eventName": "DeleteBucket", "errorCode": "AccessDenied"})
    records.append(denied)
    service = factory.base("benign-service")
    service["userIdentity"] = {"type": "Root", "invokedBy": "cloudtrail.amazonaws.com"}
    service.update({"eventType": "AwsServiceEvent", "eventSource": "cloudtrail.amazonaws.com", "eventName": "X"})
    records.append(service)
    return records


def flat_value(record: dict[str, Any], field: str) -> str | None:
    """A field's value as the sqlite table holds it."""
    value = get_path(record, field)
    if value is ABSENT or value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _regexp(pattern: str, value: str | None) -> bool | None:
    if value is None:
        return None
    return re.search(pattern, value) is not None


def sqlite_matches(files: Sequence[Path], records: Sequence[dict[str, Any]]) -> dict[str, set[str]]:
    """rule id -> eventIDs that pysigma-backend-sqlite's query matches over the records."""
    collection = SigmaCollection.load_ruleset(list(files))
    backend: Any = cast(Any, sqliteBackend)(table="logs")  # the backend has no type annotations
    queries: dict[str, str] = {}
    fields: set[str] = {"eventID"}
    for rule in collection.rules:
        assert isinstance(rule, SigmaRule)
        queries[str(rule.id)] = backend.convert_rule(rule)[0]
        fields.update(backend.required_fields(rule))
    columns = sorted(fields)
    connection = sqlite3.connect(":memory:")
    try:
        connection.create_function("REGEXP", 2, _regexp, deterministic=True)
        definition = ", ".join(f'"{column}" TEXT COLLATE NOCASE' for column in columns)
        connection.execute(f"CREATE TABLE logs ({definition})")
        placeholders = ", ".join("?" for _ in columns)
        connection.executemany(
            f"INSERT INTO logs VALUES ({placeholders})",
            [[flat_value(record, column) for column in columns] for record in records],
        )
        matches: dict[str, set[str]] = {}
        for rule_id, query in queries.items():
            cursor = connection.execute(query)
            index = [description[0] for description in cursor.description].index("eventID")
            matches[rule_id] = {row[index] for row in cursor.fetchall()}
        return matches
    finally:
        connection.close()


# Builders for the engine's own tests.


def event(event_id: str, **fields: Any) -> dict[str, Any]:
    """A CloudTrail record: an IAM user's call at 10:00 UTC, with dotted ``fields`` set (``a__b`` for ``a.b``)."""
    record = RecordFactory("x").base("x")
    record["eventID"] = event_id
    record["eventTime"] = "2026-11-01T10:00:00Z"
    for name, value in fields.items():
        set_path(record, name.replace("__", "."), value)
    return record


def rule_file(directory: Path, detection: dict[str, Any], stem: str = "rule", **meta: Any) -> Path:
    """Write a CloudTrail Sigma rule with this detection (and extra top-level attributes) to ``stem.yml``."""
    document = {
        "title": meta.pop("title", f"Test rule {stem}"),
        "id": meta.pop("id", str(uuid.uuid5(uuid.NAMESPACE_URL, f"{directory}/{stem}"))),
        "logsource": meta.pop("logsource", {"product": "aws", "service": "cloudtrail"}),
        "detection": detection,
        "level": meta.pop("level", "high"),
        **meta,
    }
    path = directory / f"{stem}.yml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def event_store(records: Sequence[dict[str, Any]]) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the records as the ``events`` table of the event store's schema."""
    connection = duckdb.connect()
    table = records_to_table(records)
    connection.register("events_arrow", table)
    connection.execute("CREATE TABLE events AS SELECT * FROM events_arrow")
    connection.unregister("events_arrow")
    return connection
