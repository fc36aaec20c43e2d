"""The shared policy-statement reading: shapes, labels, principals, actions and the one pinning rule."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudward.iam.statements import (
    ANY_ACCOUNT,
    Clause,
    actions,
    applies_to_everyone,
    as_list,
    clauses,
    covers_action,
    covers_resource,
    covers_statement,
    describe_actions,
    document,
    is_concrete,
    is_public_principal,
    narrow_network,
    negated_pins,
    pinned,
    pinned_network,
    pins,
    pins_network,
    principal_account,
    principals,
    public_principal,
    resources,
    statement_label,
    statements,
    wildcard_principals,
)
from cloudward.inventory import Unknown, UnknownAttributeError

ALLOW_ALL = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
KEYS = ("aws:SourceAccount", "aws:PrincipalOrgID", "aws:PrincipalArn", "aws:SourceArn")


def allow(**elements: Any) -> dict[str, Any]:
    """An Allow statement with the given elements."""
    return {"Effect": "Allow", **elements}


# --- documents and statements -------------------------------------------------------------------


def test_statements_accepts_a_list_a_single_object_json_and_url_encoded_json() -> None:
    doc = {"Version": "2012-10-17", "Statement": [ALLOW_ALL]}
    assert statements(doc) == [ALLOW_ALL]
    assert statements({"Statement": ALLOW_ALL}) == [ALLOW_ALL]
    assert statements(json.dumps(doc)) == [ALLOW_ALL]
    assert statements("  " + json.dumps(doc)) == [ALLOW_ALL]
    assert statements(quote(json.dumps(doc))) == [ALLOW_ALL]
    assert statements({"Statement": []}) == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "is null, not a JSON object"),
        ([ALLOW_ALL], "is a list, not a JSON object"),
        ("{not json", "not valid JSON"),
        ("%7Bnot json", "not valid JSON"),
        ('"a string"', "is a string, not a JSON object"),
        ("[" * 100_000, "not valid JSON"),
        ({"Version": "2012-10-17"}, "has no Statement element"),
        ({"Statement": None}, "Statement is null"),
        ({"Statement": "Allow everything"}, "Statement is a string"),
        ({"Statement": 3}, "Statement is a number"),
        ({"Statement": [ALLOW_ALL, "*"]}, "statement #2 is a string"),
        ({"Statement": [[ALLOW_ALL]]}, "statement #1 is a list"),
        ({"Statement": [{"Principal": "*"}]}, "statement #1 has Effect None"),
        ({"Statement": {"Sid": "Low", "Effect": "allow"}}, "Sid 'Low' has Effect 'allow'"),
        ({"Statement": {"Effect": ["Allow"]}}, "has Effect ['Allow']"),
    ],
)
def test_statements_rejects_unexpected_shapes(value: Any, reason: str) -> None:
    with pytest.raises(UnknownAttributeError) as raised:
        statements(value, "BucketPolicy")
    assert raised.value.name == "BucketPolicy"
    assert reason in raised.value.reason


def test_an_unknown_document_keeps_its_reason() -> None:
    with pytest.raises(UnknownAttributeError, match=r"Policy unknown: AccessDenied: lambda:GetPolicy"):
        document(Unknown("AccessDenied: lambda:GetPolicy"), "Policy")


json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["Statement", "Effect", "Principal", "Action", "Sid", "Condition"]) | st.text(max_size=5),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)
statement_values = st.fixed_dictionaries(
    {"Effect": st.sampled_from(["Allow", "Deny", "allow", ""]) | json_values},
    optional={"Sid": json_values, "Principal": json_values, "Action": json_values},
)
documents = st.fixed_dictionaries(
    {}, optional={"Statement": statement_values | st.lists(statement_values | json_values, max_size=4)}
)


@settings(max_examples=300, deadline=None)
@given(value=json_values | documents | documents.map(json.dumps) | json_values.map(json.dumps) | st.text())
def test_statements_returns_dicts_or_raises_unknown(value: Any) -> None:
    try:
        found = statements(value)
    except UnknownAttributeError:
        return
    assert isinstance(found, list)
    assert all(isinstance(item, dict) and item["Effect"] in ("Allow", "Deny") for item in found)


def test_as_list() -> None:
    assert as_list(None) == []
    assert as_list("s3:*") == ["s3:*"]
    assert as_list(["a", "b"]) == ["a", "b"]
    assert as_list({"AWS": "*"}) == [{"AWS": "*"}]


def test_statement_label_is_sid_or_one_based_position() -> None:
    assert statement_label({"Sid": "PublicRead"}, 0) == "Sid 'PublicRead'"
    assert statement_label({"Sid": 7}, 0) == "Sid '7'"
    assert statement_label({}, 0) == "statement #1"
    assert statement_label({"Sid": ""}, 2) == "statement #3"


# --- principals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        ("*", ["*"]),
        (["*"], ["*"]),
        ({"AWS": "*"}, ["*"]),
        ({"AWS": ["arn:aws:iam::111122223333:root", " * "]}, ["arn:aws:iam::111122223333:root", "*"]),
        ({"Service": "s3.amazonaws.com"}, []),
        ({"Service": "*"}, ["*"]),
        ({"Federated": "cognito-identity.amazonaws.com", "AWS": "111122223333"}, ["111122223333"]),
        ({"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}, []),
    ],
)
def test_principals(principal: Any, expected: list[str]) -> None:
    assert principals(allow(Principal=principal)) == expected


def test_principals_absent_or_malformed() -> None:
    assert principals(allow(NotPrincipal={"AWS": "*"})) == []
    for malformed in (3, {"AWS": {"Account": "1"}}, {"Everyone": "*"}, [["*"]], {"AWS": [1]}):
        with pytest.raises(UnknownAttributeError):
            principals(allow(Principal=malformed))


@pytest.mark.parametrize(
    ("principal", "account"),
    [
        ("*", ANY_ACCOUNT),
        ("arn:aws:iam::*:root", ANY_ACCOUNT),
        ("arn:aws:sts::11112222333?:assumed-role/x/y", ANY_ACCOUNT),
        ("111122223333", "111122223333"),
        ("arn:aws:iam::111122223333:role/*", "111122223333"),
        ("arn:aws-cn:iam::111122223333:root", "111122223333"),
        ("AROAEXAMPLEDELETED01", None),
        ("arn:aws:iam:::root", None),
    ],
)
def test_principal_account(principal: str, account: str | None) -> None:
    assert principal_account(principal) == account


def test_wildcard_principals_only_open_accounts() -> None:
    statement = allow(
        Principal={"AWS": ["arn:aws:iam::111122223333:role/*", "arn:aws:iam::*:root", "*", "*", "111122223333"]}
    )
    assert wildcard_principals(statement) == ["arn:aws:iam::*:root", "*"]


@pytest.mark.parametrize(
    "statement",
    [
        allow(Principal="*"),
        allow(Principal=["*"]),
        allow(Principal={"AWS": "*"}),
        allow(Principal={"AWS": ["arn:aws:iam::111122223333:root", "*"]}),
        allow(Principal={"AWS": "arn:aws:iam::*:root"}),
        allow(Principal={"Service": "*"}),
        allow(NotPrincipal={"AWS": "arn:aws:iam::111122223333:root"}),
    ],
)
def test_public_principals(statement: dict[str, Any]) -> None:
    assert is_public_principal(statement)


@pytest.mark.parametrize(
    "statement",
    [
        allow(Principal={"AWS": "arn:aws:iam::111122223333:root"}),
        allow(Principal={"AWS": "arn:aws:iam::111122223333:role/*"}),
        allow(Principal={"Service": "lambda.amazonaws.com"}),
        allow(),
        {"Effect": "Deny", "Principal": "*"},
        {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}},
    ],
)
def test_not_public_principals(statement: dict[str, Any]) -> None:
    assert not is_public_principal(statement)
    assert public_principal(statement) is None


def test_public_principal_descriptions() -> None:
    assert public_principal(allow(Principal={"AWS": ["*", "arn:aws:iam::*:root"]})) == (
        "Principal *, arn:aws:iam::*:root"
    )
    assert public_principal(allow(NotPrincipal={"AWS": "x"})) == "NotPrincipal (everyone except the listed principals)"


def test_applies_to_everyone() -> None:
    assert applies_to_everyone({"Effect": "Deny", "Principal": {"AWS": ["*"]}})
    assert not applies_to_everyone({"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::*:root"}})
    assert not applies_to_everyone({"Effect": "Deny", "NotPrincipal": {"AWS": "x"}, "Principal": "*"})


# --- actions and resources ------------------------------------------------------------------------


def test_actions_resources_and_descriptions() -> None:
    statement = allow(Action=["s3:GetObject", " s3:ListBucket"], Resource="arn:aws:s3:::b/*")
    assert actions(statement) == ["s3:GetObject", "s3:ListBucket"]
    assert resources(statement) == ["arn:aws:s3:::b/*"]
    assert describe_actions(statement) == "s3:GetObject, s3:ListBucket"
    assert describe_actions(allow(NotAction="s3:DeleteObject")) == "all actions except s3:DeleteObject"
    assert describe_actions(allow()) == "no actions"
    for malformed in ({"Action": {"s3": "*"}}, {"Action": ["s3:*", 3]}):
        with pytest.raises(UnknownAttributeError, match="Action"):
            actions(allow(**malformed))
    with pytest.raises(UnknownAttributeError, match="Resource"):
        resources(allow(Resource=[None]))


def test_covers_action_and_resource() -> None:
    statement = allow(Action="S3:Get*", Resource="arn:aws:s3:::b/*")
    assert covers_action(statement, "s3:GetObject")
    assert not covers_action(statement, "s3:PutObject")
    assert covers_action(allow(NotAction="s3:GetBucketAcl"), "s3:PutObject")
    assert not covers_action(allow(NotAction="s3:*"), "s3:PutObject")
    assert covers_action(allow(Action="s3:?etObject"), "s3:GetObject")
    assert covers_resource(statement, "arn:aws:s3:::b/key")
    assert not covers_resource(statement, "arn:aws:s3:::B/key")
    assert not covers_resource(statement, "arn:aws:s3:::other/key")
    assert not covers_resource(allow(NotResource="arn:aws:s3:::b/*"), "arn:aws:s3:::b/key")


def test_covers_statement() -> None:
    deny = {"Effect": "Deny", "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}
    assert covers_statement(deny, allow(Action=["s3:GetObject"], Resource="arn:aws:s3:::b/*"))
    assert not covers_statement(deny, allow(Action="ec2:*", Resource="arn:aws:s3:::b/*"))
    assert not covers_statement(deny, allow(Action="s3:GetObject", Resource="*"))
    assert not covers_statement(deny, allow(NotAction="s3:GetObject", Resource="arn:aws:s3:::b/*"))
    assert not covers_statement(deny, allow(Resource="arn:aws:s3:::b/*"))


# --- conditions -----------------------------------------------------------------------------------


def test_clauses() -> None:
    condition = {"StringEquals": {"aws:SourceVpce": "vpce-1", "aws:SourceAccount": ["1", "2"]}, "Bool": {}}
    assert clauses(condition) == [
        Clause("StringEquals", "aws:SourceVpce", ["vpce-1"]),
        Clause("StringEquals", "aws:SourceAccount", ["1", "2"]),
    ]
    assert clauses(None) == []
    assert clauses({}) == []
    for malformed in ("StringEquals", ["StringEquals"], {"StringEquals": "aws:SourceVpce"}, {"Bool": ["x"]}):
        with pytest.raises(UnknownAttributeError, match="Condition"):
            clauses(malformed)


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
        {"StringEqualsIgnoreCase": {"AWS:PRINCIPALORGID": ["o-a1b2c3d4e5"]}},
        {"StringLike": {"aws:SourceAccount": "111122223333"}},
        {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:alerts"}},
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/app"}},
        {"ForAnyValue:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
        {"stringequals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
        {"foranyvalue:ARNLIKE": {"aws:SourceArn": "arn:aws:s3:::uploads"}},
        {"StringEquals": {"aws:SourceAccount": 111122223333}},
        {"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"aws:SourceAccount": "111122223333"}},
    ],
)
def test_pins(condition: dict[str, Any]) -> None:
    assert pins(condition, KEYS)
    assert len(pinned(condition, KEYS)) == 1


@pytest.mark.parametrize(
    "condition",
    [
        None,
        {},
        {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
        {"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
        {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
        {"ForAnyValue:StringEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
        {"Sometimes:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
        {"NumericEquals": {"aws:SourceAccount": "111122223333"}},
        {"StringEquals": {"aws:SourceIp": "203.0.113.0/24"}},
        {"StringEquals": {"aws:PrincipalOrgID": []}},
        {"StringEquals": {"aws:PrincipalOrgID": ""}},
        {"StringEquals": {"aws:PrincipalOrgID": "  "}},
        {"StringEquals": {"aws:PrincipalOrgID": None}},
        {"StringEquals": {"aws:PrincipalOrgID": [["o-a1b2c3d4e5"]]}},
        {"StringLike": {"aws:PrincipalOrgID": "*"}},
        {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:*"}},
        {"ArnLike": {"aws:SourceArn": "arn:*"}},
        {"StringLike": {"aws:SourceAccount": "11112222333?"}},
        {"StringEquals": {"aws:SourceAccount": ["111122223333", "*"]}},
        {"StringEquals": {"aws:PrincipalOrgID": "o-*"}},
        {"StringEquals": {"aws:SourceAccount": "${aws:PrincipalAccount}"}},
        {"StringEquals": {"sts:ExternalId": "f81d4fae"}},
    ],
)
def test_does_not_pin(condition: dict[str, Any] | None) -> None:
    assert not pins(condition, KEYS)
    assert pinned(condition, KEYS) == []


def test_pinned_names_operator_and_key_as_written() -> None:
    condition = {"ForAnyValue:StringEquals": {"AWS:SourceAccount": "111122223333"}, "Bool": {"aws:x": "true"}}
    assert pinned(condition, KEYS) == ["ForAnyValue:StringEquals AWS:SourceAccount"]


def test_is_concrete() -> None:
    assert is_concrete("o-a1b2c3d4e5")
    assert is_concrete(111122223333)
    for value in ("", " ", "*", "a*b", "a?b", "${aws:username}", None, ["x"], {"x": 1}):
        assert not is_concrete(value)


@pytest.mark.parametrize(
    ("value", "narrow"),
    [
        ("203.0.113.0/24", True),
        ("10.0.0.0/8", True),
        ("198.51.100.7", True),
        ("2001:db8::/32", True),
        ("::ffff:10.0.0.0/104", True),
        ("0.0.0.0/0", False),
        ("0.0.0.0/1", False),
        ("128.0.0.0/1", False),
        ("10.0.0.0/7", False),
        ("::/0", False),
        ("2000::/3", False),
        ("::/32", False),
        ("::ffff:0:0/96", False),
        ("::ffff:0:0/100", False),
        ("not-an-ip", False),
        ("", False),
        (24, False),
    ],
)
def test_narrow_network(value: Any, narrow: bool) -> None:
    assert narrow_network(value) is narrow


@pytest.mark.parametrize(
    "condition",
    [
        {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/48"]}},
        {"ipaddress": {"AWS:SourceIP": "203.0.113.0/24"}},
        {"ForAnyValue:IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}},
        {"StringEquals": {"aws:SourceVpc": ["vpc-1", "vpc-2"]}},
    ],
)
def test_pins_network(condition: dict[str, Any]) -> None:
    assert pins_network(condition)
    assert len(pinned_network(condition)) == 1


@pytest.mark.parametrize(
    "condition",
    [
        None,
        {"IpAddress": {"aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"]}},
        {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "0.0.0.0/0"]}},
        {"IpAddress": {"aws:SourceIp": []}},
        {"IpAddressIfExists": {"aws:SourceIp": "203.0.113.0/24"}},
        {"ForAllValues:IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}},
        {"StringLike": {"aws:SourceVpce": "vpce-0123456789abcdef0"}},
        {"StringEquals": {"aws:SourceVpce": "vpce-*"}},
        {"StringEquals": {"aws:SourceVpc": ""}},
        {"StringEquals": {"aws:SourceAccount": "111122223333"}},
    ],
)
def test_does_not_pin_network(condition: dict[str, Any] | None) -> None:
    assert not pins_network(condition)


GUARD_KEYS = ("aws:SourceVpce", "aws:SourceIp", "aws:PrincipalOrgID")


def test_negated_pins() -> None:
    assert negated_pins({"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}, GUARD_KEYS) == [
        "StringNotEquals aws:SourceVpce"
    ]
    both = {
        "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
        "NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"},
    }
    assert len(negated_pins(both, GUARD_KEYS)) == 2
    rejected: tuple[dict[str, Any] | None, ...] = (
        None,
        {},
        {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}, "Bool": {"aws:SecureTransport": "false"}},
        {"StringNotLike": {"aws:SourceVpce": "vpce-*"}},
        {"NotIpAddress": {"aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"]}},
        {"StringNotEquals": {"aws:SourceAccount": "111122223333"}},
        {"StringEquals": {"aws:SourceVpce": "vpce-1"}},
        {"ForAllValues:StringNotEquals": {"aws:SourceVpce": "vpce-1"}},
        {"StringNotEquals": {"aws:SourceVpce": []}},
    )
    for condition in rejected:
        assert negated_pins(condition, GUARD_KEYS) == []


OPERATORS = [
    "StringEquals",
    "stringequals",
    "StringEqualsIgnoreCase",
    "StringLike",
    "STRINGLIKE",
    "ArnEquals",
    "ArnLike",
    "ForAnyValue:StringEquals",
    "ForAnyValue:ArnLike",
    "ForAllValues:StringLike",
    "StringLikeIfExists",
    "StringNotEquals",
]
starred = st.tuples(st.text(max_size=6), st.text(max_size=6)).map(lambda parts: parts[0] + "*" + parts[1])
value_lists = st.tuples(st.lists(st.text(max_size=8), max_size=3), starred).map(lambda pair: [*pair[0], pair[1]])


@settings(max_examples=300, deadline=None)
@given(
    condition=st.dictionaries(
        st.sampled_from(OPERATORS),
        st.dictionaries(st.sampled_from([*KEYS, "AWS:SOURCEACCOUNT", "aws:sourcearn"]), value_lists, min_size=1),
        min_size=1,
    )
)
def test_pins_never_true_for_a_value_containing_a_star(condition: dict[str, dict[str, list[str]]]) -> None:
    assert not pins(condition, KEYS)
    assert not pins_network(condition)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("aws:SourceVpce", "vpce-*", False),  # conservative: "*" is never read as literal
        ("aws:PrincipalArn", "arn:aws:iam::111122223333:role/deploy-*", True),
        ("aws:SourceArn", "arn:aws:iam::*:role/deploy", False),
        ("aws:SourceArn", "arn:*", False),
        ("aws:PrincipalOrgPaths", "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*", True),
        ("aws:PrincipalOrgPaths", "o-*/r-ab12/*", False),
        ("aws:PrincipalAccount", "1111*", False),
        ("aws:PrincipalAccount", "${aws:PrincipalAccount}", False),
        ("aws:PrincipalAccount", "", False),
    ],
)
def test_restricts_keeps_owner_pinned_wildcards(key: str, value: str, expected: bool) -> None:
    from cloudward.iam.statements import restricts

    assert restricts(key, value) is expected
