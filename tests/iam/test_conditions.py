"""Condition evaluation: every operator family, set qualifiers, IfExists, Null, policy variables, tri-state."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudward.iam.conditions import (
    ConditionError,
    RequestContext,
    Tri,
    compile_condition,
    evaluate_condition,
    substitute_variables,
)

T, F, U = Tri.TRUE, Tri.FALSE, Tri.UNKNOWN


def outcome(condition: Any, values: dict[str, Any] | None = None, *, closed: bool = False) -> Tri:
    """The outcome of a condition in a context built from ``values``."""
    return evaluate_condition(condition, RequestContext.of(values or {}, closed=closed))[0]


def one(operator: str, key: str, policy: Any, request: Any, *, closed: bool = True) -> Tri:
    """One clause, with the request key set to ``request`` (None = absent; ``...`` = unknown)."""
    values: dict[str, Any] = {} if request is ... else {key: request}
    return outcome({operator: {key: policy}}, values, closed=closed and request is not ...)


# --- Tri ----------------------------------------------------------------------------------------


def test_tri_kleene_tables() -> None:
    assert Tri.of(True) is T and Tri.of(False) is F
    assert (T & T, T & U, U & U, F & U, U & F, T & F) == (T, U, U, F, F, F)
    assert (F | F, F | U, U | U, T | U, U | T) == (F, U, U, T, T)
    assert (~T, ~F, ~U) == (F, T, U)
    assert Tri.every([]) is T and Tri.some([]) is F
    assert Tri.every([T, U, T]) is U and Tri.every([U, F]) is F
    assert Tri.some([F, U]) is U and Tri.some([U, T]) is T
    assert [t.maybe_true for t in (T, F, U)] == [True, False, True]
    assert [t.maybe_false for t in (T, F, U)] == [False, True, True]


def test_tri_refuses_a_truth_value() -> None:
    with pytest.raises(TypeError):
        bool(Tri.FALSE)


@given(st.sampled_from(Tri), st.sampled_from(Tri), st.sampled_from(Tri))
def test_kleene_and_is_commutative_associative_and_false_absorbs(a: Tri, b: Tri, c: Tri) -> None:
    assert a & b is b & a
    assert (a & b) & c is a & (b & c)
    assert a & F is F
    assert a & T is a
    assert ~(a & b) is (~a | ~b)


# --- the request context ------------------------------------------------------------------------


def test_context_normalises_keys_and_values() -> None:
    context = RequestContext.of(
        {"aws:PrincipalTag/Team": "dev", "aws:SecureTransport": True, "s3:max-keys": 5, "aws:TagKeys": [], "x:y": None}
    )
    assert context.values == {
        "aws:principaltag/team": ("dev",),
        "aws:securetransport": ("true",),
        "s3:max-keys": ("5",),
        "aws:tagkeys": None,
        "x:y": None,
    }
    assert context.get("AWS:PRINCIPALTAG/TEAM") == ("dev",)
    assert context.get("aws:TagKeys") is None
    assert context.get("aws:SourceIp") is Tri.UNKNOWN
    assert RequestContext.of({}, closed=True).get("aws:SourceIp") is None
    with pytest.raises(TypeError):
        RequestContext.of({"k": {"nested": 1}})


def test_context_with_values_and_hash() -> None:
    base = RequestContext({"aws:username": ("bob",)}, closed=True)
    more = base.with_values({"AWS:SourceIp": "10.0.0.1", "aws:username": "alice"})
    assert more.values == {"aws:username": ("alice",), "aws:sourceip": ("10.0.0.1",)}
    assert more.closed and base.values == {"aws:username": ("bob",)}
    assert hash(RequestContext.of({"A": "x"})) == hash(RequestContext({"a": ("x",)}))
    assert RequestContext.of({"A": "x"}) == RequestContext({"a": ("x",)})
    assert RequestContext.of({"A": "x"}) != RequestContext({"a": ("x",)}, closed=True)


# --- no condition, explanations, compiled form --------------------------------------------------


def test_no_condition_is_true() -> None:
    context = RequestContext()
    assert evaluate_condition(None, context) == (T, [])
    assert evaluate_condition({}, context) == (T, [])
    assert len(compile_condition(None)) == 0


def test_explanation_lines() -> None:
    context = RequestContext.of({"aws:principaltag/team": "ops"})
    result, lines = evaluate_condition(
        {"StringEquals": {"aws:PrincipalTag/team": ["dev"]}, "Bool": {"aws:MultiFactorAuthPresent": "true"}}, context
    )
    assert result is F
    assert lines == [
        "StringEquals aws:PrincipalTag/team in ['dev']: false (value 'ops')",
        "Bool aws:MultiFactorAuthPresent=true: unknown (not in the context)",
    ]
    closed = RequestContext.of({"aws:tagkeys": ["a", "b"]}, closed=True)
    _, lines = evaluate_condition({"ForAnyValue:StringEquals": {"aws:TagKeys": "b"}, "Null": {"x:y": "true"}}, closed)
    assert lines == [
        "ForAnyValue:StringEquals aws:TagKeys in ['b']: true (values 'a', 'b')",
        "Null x:y=true: true (absent)",
    ]


def test_compiled_condition_keys_and_outcome() -> None:
    compiled = compile_condition(
        {
            "StringLike": {"s3:prefix": "home/${aws:username}/*", "AWS:PrincipalTag/Team": "dev"},
            "Bool": {"aws:SecureTransport": True},
        }
    )
    assert compiled.keys == {"s3:prefix", "aws:username", "aws:principaltag/team", "aws:securetransport"}
    assert len(compiled) == 3
    contexts = [
        RequestContext.of({"s3:prefix": "home/bob/a", "aws:username": "bob", "aws:principaltag/team": "dev"}),
        RequestContext.of(
            {
                "s3:prefix": "home/bob/a",
                "aws:username": "bob",
                "aws:principaltag/team": "dev",
                "aws:securetransport": "true",
            }
        ),
        RequestContext.of({"s3:prefix": "home/eve/a", "aws:username": "bob"}),
    ]
    assert [compiled.evaluate(c)[0] for c in contexts] == [U, T, F]
    assert [compiled.outcome(c) for c in contexts] == [U, T, F]


# --- string operators ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "policy", "request_value", "expected"),
    [
        ("StringEquals", "dev", "dev", T),
        ("StringEquals", "dev", "Dev", F),
        ("StringEquals", ["ops", "dev"], "dev", T),
        ("StringEquals", "d*", "dev", F),  # no wildcards in StringEquals
        ("StringEquals", "d*", "d*", T),
        ("StringEquals", "dev", None, F),
        ("StringEquals", "dev", ..., U),
        ("StringNotEquals", "dev", "ops", T),
        ("StringNotEquals", ["dev", "ops"], "ops", F),  # NOR over the values
        ("StringNotEquals", ["dev", "ops"], "qa", T),
        ("StringNotEquals", "dev", None, T),
        ("StringNotEquals", "dev", ..., U),
        ("StringEqualsIgnoreCase", "DEV", "dev", T),
        ("StringEqualsIgnoreCase", "DEV", "ops", F),
        ("StringEqualsIgnoreCase", "DEV", None, F),
        ("StringNotEqualsIgnoreCase", "DEV", "Dev", F),
        ("StringNotEqualsIgnoreCase", "DEV", None, T),
        ("StringLike", "home/*/docs", "home/bob/docs", T),
        ("StringLike", "home/*/docs", "home/bob/other", F),
        ("StringLike", "v?", "v1", T),
        ("StringLike", "v?", "v12", F),
        ("StringLike", "Home/*", "home/x", F),  # case-sensitive
        ("StringLike", "a.b", "aXb", F),  # regex characters are literal
        ("StringLike", "*", "", T),
        ("StringLike", "*", None, F),
        ("StringLike", "x*", ..., U),
        ("StringNotLike", "home/*", "home/x", F),
        ("StringNotLike", "home/*", "tmp/x", T),
        ("StringNotLike", "home/*", None, T),
    ],
)
def test_string_operators(operator: str, policy: Any, request_value: Any, expected: Tri) -> None:
    assert one(operator, "aws:PrincipalTag/team", policy, request_value) is expected


# --- numeric, date, bool, binary ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "policy", "request_value", "expected"),
    [
        ("NumericEquals", "10", "10", T),
        ("NumericEquals", 10, "10.0", T),
        ("NumericEquals", "10", "11", F),
        ("NumericNotEquals", ["10", "11"], "11", F),
        ("NumericNotEquals", ["10", "11"], "12", T),
        ("NumericLessThan", "10", "9.5", T),
        ("NumericLessThan", "10", "10", F),
        ("NumericLessThanEquals", "10", "10", T),
        ("NumericGreaterThan", "-1", "0", T),
        ("NumericGreaterThan", "1", "0", F),
        ("NumericGreaterThanEquals", 2.5, "2.5", T),
        ("NumericLessThan", "10", "abc", F),  # a request value that is not a number matches nothing
        ("NumericLessThan", "10", None, F),
        ("NumericNotEquals", "10", None, T),
        ("NumericLessThan", "10", ..., U),
    ],
)
def test_numeric_operators(operator: str, policy: Any, request_value: Any, expected: Tri) -> None:
    assert one(operator, "s3:max-keys", policy, request_value) is expected


@pytest.mark.parametrize(
    ("operator", "policy", "request_value", "expected"),
    [
        ("DateEquals", "2020-01-01", "2020-01-01T00:00:00Z", T),
        ("DateEquals", "2020-01-01T00:00:00Z", "1577836800", T),  # epoch seconds
        ("DateEquals", "2020-01-01T01:00:00+01:00", "2020-01-01T00:00:00.000Z", T),
        ("DateNotEquals", "2020-01-01", "2020-01-02", T),
        ("DateNotEquals", "2020-01-01", "2020-01-01T00:00:00Z", F),
        ("DateLessThan", "2020-01-01T00:00:00Z", "2019-12-31T23:59:59Z", T),
        ("DateLessThan", "2001-01-01", "2026-11-01T00:00:00Z", F),
        ("DateLessThanEquals", "2020-01-01", "2020-01-01", T),
        ("DateGreaterThan", "2020-01-01", "2020-06-01", T),
        ("DateGreaterThanEquals", 1577836800, "2019-01-01", F),
        ("DateGreaterThan", "2020-01-01", "not a date", F),
        ("DateGreaterThan", "2020-01-01", None, F),
        ("DateGreaterThan", "2020-01-01", ..., U),
    ],
)
def test_date_operators(operator: str, policy: Any, request_value: Any, expected: Tri) -> None:
    assert one(operator, "aws:CurrentTime", policy, request_value) is expected


@pytest.mark.parametrize(
    ("policy", "request_value", "expected"),
    [
        ("true", "true", T),
        (True, "true", T),
        ("TRUE", "True", T),
        ("true", "false", F),
        (False, "false", T),
        ("true", "yes", F),
        ("true", None, F),
        ("true", ..., U),
    ],
)
def test_bool(policy: Any, request_value: Any, expected: Tri) -> None:
    assert one("Bool", "aws:MultiFactorAuthPresent", policy, request_value) is expected


def test_binary_equals() -> None:
    assert one("BinaryEquals", "k:b", "QmluYXJ5VmFsdWU=", "QmluYXJ5VmFsdWU=") is T
    assert one("BinaryEquals", "k:b", "QmluYXJ5VmFsdWU=", "T3RoZXI=") is F
    assert one("BinaryEquals", "k:b", "QmluYXJ5VmFsdWU=", "%%%") is F
    assert one("BinaryEquals", "k:b", "QmluYXJ5VmFsdWU=", None) is F
    assert one("BinaryEquals", "k:b", "QmluYXJ5VmFsdWU=", ...) is U


# --- IP and ARN ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "policy", "request_value", "expected"),
    [
        ("IpAddress", "203.0.113.0/24", "203.0.113.7", T),
        ("IpAddress", "203.0.113.0/24", "203.0.114.7", F),
        ("IpAddress", "203.0.113.7", "203.0.113.7", T),  # bare IP = /32
        ("IpAddress", "203.0.113.7", "203.0.113.8", F),
        ("IpAddress", "2001:db8::/32", "2001:db8:1::1", T),
        ("IpAddress", "2001:db8::1", "2001:db8::2", F),  # bare IPv6 = /128
        ("IpAddress", "0.0.0.0/0", "2001:db8::1", F),  # IPv4 network, IPv6 address
        ("IpAddress", ["10.0.0.0/8", "2001:db8::/32"], "2001:db8::1", T),
        ("IpAddress", "10.0.0.0/8", "not-an-ip", F),
        ("IpAddress", "10.0.0.0/8", None, F),
        ("IpAddress", "10.0.0.0/8", ..., U),
        ("NotIpAddress", "10.0.0.0/8", "10.1.2.3", F),
        ("NotIpAddress", ["10.0.0.0/8", "192.168.0.0/16"], "203.0.113.1", T),
        ("NotIpAddress", "10.0.0.0/8", None, T),
        ("NotIpAddress", "10.0.0.0/8", ..., U),
    ],
)
def test_ip_operators(operator: str, policy: Any, request_value: Any, expected: Tri) -> None:
    assert one(operator, "aws:SourceIp", policy, request_value) is expected


ROLE_X = "arn:aws:iam::111122223333:role/x"


@pytest.mark.parametrize(
    ("operator", "policy", "request_value", "expected"),
    [
        ("ArnEquals", ROLE_X, ROLE_X, T),
        ("ArnEquals", "arn:aws:iam::111122223333:role/*", ROLE_X, T),  # ArnEquals takes wildcards too
        ("ArnLike", "arn:aws:iam::*:role/x", ROLE_X, T),
        ("ArnLike", "arn:aws:iam::*:role/x", "arn:aws:iam::111122223333:role/y", F),
        ("ArnLike", "arn:aws:iam::111122223333:role/X", ROLE_X, F),  # case-sensitive
        ("ArnLike", "arn:*:iam::111122223333:role/x", ROLE_X, T),
        # a wildcard stays inside its component: '*' in the region cannot swallow the account
        ("ArnLike", "arn:aws:lambda:*:function:f", "arn:aws:lambda:us-east-1:111122223333:function:f", F),
        # the resource component keeps its colons
        (
            "ArnLike",
            "arn:aws:lambda:*:111122223333:function:*",
            "arn:aws:lambda:us-east-1:111122223333:function:f:live",
            T,
        ),
        ("ArnLike", "arn:aws:iam::111122223333:role/x", "arn:aws:iam::111122223333", F),
        ("ArnLike", "arn:aws:iam::*", ROLE_X, F),  # fewer than six components matches nothing
        ("ArnLike", ROLE_X, None, F),
        ("ArnLike", ROLE_X, ..., U),
        ("ArnNotEquals", ROLE_X, ROLE_X, F),
        ("ArnNotLike", ["arn:aws:iam::*:role/admin", "arn:aws:iam::*:role/x"], ROLE_X, F),
        ("ArnNotLike", "arn:aws:iam::*:role/admin", ROLE_X, T),
        ("ArnNotLike", "arn:aws:iam::*:role/admin", None, T),
    ],
)
def test_arn_operators(operator: str, policy: Any, request_value: Any, expected: Tri) -> None:
    assert one(operator, "aws:PrincipalArn", policy, request_value) is expected


# --- Null, IfExists, set qualifiers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "request_value", "expected"),
    [
        ("true", None, T),
        ("true", "2020-01-01T00:00:00Z", F),
        ("false", None, F),
        (False, "2020-01-01T00:00:00Z", T),
        ("TRUE", ..., U),
        ("false", ..., U),
        (["true", "false"], ..., T),  # holds whatever the key is
        ([], ..., F),
        ([], None, F),
    ],
)
def test_null(policy: Any, request_value: Any, expected: Tri) -> None:
    assert one("Null", "aws:TokenIssueTime", policy, request_value) is expected


@pytest.mark.parametrize(
    ("operator", "policy", "request_value", "expected"),
    [
        ("StringEqualsIfExists", "dev", None, T),
        ("StringEqualsIfExists", "dev", "ops", F),
        ("StringEqualsIfExists", "dev", "dev", T),
        ("StringEqualsIfExists", "dev", ..., U),
        ("StringNotEqualsIfExists", "dev", None, T),
        ("StringNotEqualsIfExists", "dev", "dev", F),
        ("BoolIfExists", "false", None, T),
        ("BoolIfExists", "false", "true", F),
        ("NumericLessThanIfExists", "5", "3", T),
        ("DateLessThanIfExists", "2020-01-01", None, T),
        ("IpAddressIfExists", "10.0.0.0/8", None, T),
        ("IpAddressIfExists", "10.0.0.0/8", "11.0.0.1", F),
        ("ArnLikeIfExists", ROLE_X, None, T),
        ("ForAnyValue:StringEqualsIfExists", "dev", None, T),  # IfExists beats ForAnyValue's FALSE
        ("ForAnyValue:StringEqualsIfExists", "dev", ["ops"], F),
    ],
)
def test_if_exists(operator: str, policy: Any, request_value: Any, expected: Tri) -> None:
    assert one(operator, "k:key", policy, request_value) is expected


@pytest.mark.parametrize(
    ("operator", "policy", "request_value", "expected"),
    [
        # ForAllValues: every request value matches some policy value; absent or empty is TRUE
        ("ForAllValues:StringEquals", ["a", "b"], ["a", "b"], T),
        ("ForAllValues:StringEquals", ["a", "b"], ["a"], T),
        ("ForAllValues:StringEquals", ["a", "b"], ["a", "c"], F),
        ("ForAllValues:StringEquals", ["a", "b"], None, T),
        ("ForAllValues:StringEquals", ["a", "b"], [], T),
        ("ForAllValues:StringEquals", ["a", "b"], ..., U),
        ("ForAllValues:StringLike", ["team-*"], ["team-a", "team-b"], T),
        ("ForAllValues:StringNotEquals", ["admin"], ["a", "b"], T),
        ("ForAllValues:StringNotEquals", ["admin"], ["a", "admin"], F),
        # ForAnyValue: some request value matches; absent is FALSE
        ("ForAnyValue:StringEquals", ["a", "b"], ["c", "b"], T),
        ("ForAnyValue:StringEquals", ["a", "b"], ["c", "d"], F),
        ("ForAnyValue:StringEquals", ["a", "b"], None, F),
        ("ForAnyValue:StringEquals", ["a", "b"], ..., U),
        ("ForAnyValue:StringNotEquals", ["admin"], ["admin", "b"], T),
        ("ForAnyValue:StringNotEquals", ["admin"], ["admin"], F),
        ("ForAnyValue:StringNotEquals", ["admin"], None, F),
        ("ForAnyValue:ArnLike", ["arn:aws:iam::*:role/x"], [ROLE_X, "arn:aws:iam::1:user/u"], T),
        # no qualifier on a multivalued key: positive = any value matches, negated = none does
        ("StringEquals", ["a"], ["c", "a"], T),
        ("StringNotEquals", ["a"], ["c", "a"], F),
        ("StringNotEquals", ["a"], ["c", "d"], T),
    ],
)
def test_set_qualifiers(operator: str, policy: Any, request_value: Any, expected: Tri) -> None:
    assert one(operator, "aws:TagKeys", policy, request_value) is expected


# --- policy variables ---------------------------------------------------------------------------


def test_policy_variable_in_string_like() -> None:
    condition = {"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}}
    assert outcome(condition, {"aws:username": "bob", "s3:prefix": "home/bob/notes"}) is T
    assert outcome(condition, {"aws:username": "bob", "s3:prefix": "home/alice/notes"}) is F
    # the variable's key is not known: the value might match
    assert outcome(condition, {"s3:prefix": "home/bob/notes"}) is U
    # known absent (a role has no aws:username): the value matches nothing
    assert outcome(condition, {"s3:prefix": "home/bob/notes", "aws:username": None}) is F
    assert outcome(condition, {"s3:prefix": "home/bob/notes"}, closed=True) is F
    # the substituted text is literal: a '*' in it is no wildcard
    assert outcome(condition, {"aws:username": "b*", "s3:prefix": "home/bob/x"}) is F
    assert outcome(condition, {"aws:username": "b*", "s3:prefix": "home/b*/x"}) is T


def test_policy_variable_defaults_escapes_and_version() -> None:
    tagged = {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team, 'shared'}"}}
    assert outcome(tagged, {"aws:resourcetag/team": "dev", "aws:principaltag/team": "dev"}) is T
    assert outcome(tagged, {"aws:resourcetag/team": "shared", "aws:principaltag/team": None}) is T
    assert outcome(tagged, {"aws:resourcetag/team": "dev", "aws:principaltag/team": None}) is F
    assert outcome(tagged, {"aws:resourcetag/team": "shared"}) is U  # the tag could be anything
    # ${*} is a literal star even in StringLike; a plain * next to it is still a wildcard
    starred = {"StringLike": {"k:key": "a${*}*"}}
    assert outcome(starred, {"k:key": "a*b"}) is T
    assert outcome(starred, {"k:key": "ab"}) is F
    assert outcome({"StringEquals": {"k:key": "${$}{x}${?}"}}, {"k:key": "${x}?"}) is T
    # a multivalued key is not substituted
    multi = {"StringEquals": {"k:key": "${aws:TagKeys}"}}
    assert outcome(multi, {"k:key": "a", "aws:tagkeys": ["a", "b"]}) is F
    # negated: a value that cannot be resolved matches nothing, so nothing is excluded
    assert outcome({"StringNotEquals": {"k:key": "${aws:username}"}}, {"k:key": "a"}, closed=True) is T
    # policies of Version 2008-10-17 read variables literally
    literal = RequestContext.of({"k:key": "${aws:username}", "aws:username": "bob"})
    condition = {"StringEquals": {"k:key": "${aws:username}"}}
    assert evaluate_condition(condition, literal, policy_variables=False)[0] is T
    assert evaluate_condition(condition, literal)[0] is F


def test_policy_variable_in_arn_like() -> None:
    condition = {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::${aws:PrincipalAccount}-*"}}
    context = {"aws:principalaccount": "111122223333"}
    assert outcome(condition, {**context, "aws:sourcearn": "arn:aws:s3:::111122223333-logs"}) is T
    assert outcome(condition, {**context, "aws:sourcearn": "arn:aws:s3:::444455556666-logs"}) is F


def test_substitute_variables() -> None:
    context = RequestContext.of({"aws:username": "bob", "aws:principaltag/team": "dev", "aws:tokenissuetime": None})
    assert substitute_variables("arn:aws:s3:::b/${aws:username}/*", context) == "arn:aws:s3:::b/bob/*"
    assert substitute_variables("${AWS:PrincipalTag/Team}-${aws:username}", context) == "dev-bob"
    assert substitute_variables("x${*}${?}${$}", context) == "x*?$"
    assert substitute_variables("${aws:TokenIssueTime, 'never'}", context) == "never"
    assert substitute_variables("${aws:TokenIssueTime}", context) is None  # absent
    assert substitute_variables("${aws:SourceIp}", context) is None  # unknown
    assert substitute_variables("no variables", context) == "no variables"
    # malformed variables stay as written
    assert substitute_variables("broken ${aws:username", context) == "broken ${aws:username"
    assert substitute_variables("${aws:username, nope}/${}", context) == "${aws:username, nope}/${}"


# --- case-insensitivity -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "operator", ["StringEquals", "stringequals", "STRINGEQUALS", "sTrInGeQuAlS", "ForAnyValue:StringEquals"]
)
def test_operator_names_are_case_insensitive(operator: str) -> None:
    assert outcome({operator: {"aws:principaltag/team": "dev"}}, {"AWS:PRINCIPALTAG/TEAM": "dev"}) is T
    assert outcome({operator: {"aws:principaltag/team": "dev"}}, {"AWS:PRINCIPALTAG/TEAM": "ops"}) is F


def test_key_names_and_qualifiers_are_case_insensitive() -> None:
    context = {"aws:principaltag/team": "dev", "aws:tagkeys": ["a", "b"]}
    assert outcome({"StringEquals": {"AWS:PrincipalTag/TEAM": "dev"}}, context) is T
    assert outcome({"forallvalues:stringequals": {"aws:TagKeys": ["a"]}}, context) is F
    assert outcome({"FORALLVALUES:STRINGEQUALSIFEXISTS": {"aws:TagKeys": ["a", "b"]}}, context) is T
    assert outcome({"boolifexists": {"aws:SecureTransport": "true"}}, {}, closed=True) is T


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"StringEqualz": {"k": "v"}}, "StringEqualz"),
        ({"ForSomeValues:StringEquals": {"k": "v"}}, "ForSomeValues:StringEquals"),
        ({"NullIfExists": {"k": "true"}}, "NullIfExists"),
        ({"ForAnyValue:Null": {"k": "true"}}, "ForAnyValue:Null"),
        ({"NumericLessThan": {"s3:max-keys": "ten"}}, "s3:max-keys"),
        ({"NumericEquals": {"k": True}}, "NumericEquals"),
        ({"DateLessThan": {"aws:CurrentTime": "yesterday"}}, "aws:CurrentTime"),
        ({"Bool": {"aws:SecureTransport": "maybe"}}, "aws:SecureTransport"),
        ({"Null": {"aws:TokenIssueTime": "yes"}}, "aws:TokenIssueTime"),
        ({"BinaryEquals": {"k:b": "not base64!"}}, "BinaryEquals"),
        ({"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}}, "aws:SourceIp"),
        ({"NotIpAddress": {"aws:SourceIp": "somewhere"}}, "NotIpAddress"),
        ({"StringEquals": {"k": None}}, "StringEquals"),
        ({"StringEquals": {"k": {"nested": "v"}}}, "StringEquals"),
        ({"StringEquals": {"k": [["v"]]}}, "StringEquals"),
        ({"StringEquals": "k"}, "StringEquals"),
        ({"StringEquals": {"": "v"}}, "StringEquals"),
        (["StringEquals"], "Condition"),
    ],
)
def test_condition_errors(condition: Any, message: str) -> None:
    with pytest.raises(ConditionError, match=message.replace("?", r"\?")):
        compile_condition(condition)
    with pytest.raises(ValueError):
        evaluate_condition(condition, RequestContext())


# --- conditions that can never be true (and one that always is) ---------------------------------


def test_never_true_conditions_are_false_even_with_unknown_keys() -> None:
    unknown = RequestContext()
    assert evaluate_condition({"StringEquals": {"aws:PrincipalTag/team": []}}, unknown)[0] is F
    assert evaluate_condition({"ForAnyValue:StringLike": {"aws:TagKeys": []}}, unknown)[0] is F
    assert evaluate_condition({"ArnLike": {"aws:PrincipalArn": []}}, unknown)[0] is F
    # a known clock and a date long gone
    known_time = RequestContext.of({"aws:currenttime": "2026-11-01T00:00:00Z"})
    assert evaluate_condition({"DateLessThan": {"aws:CurrentTime": "2001-01-01T00:00:00Z"}}, known_time)[0] is F
    # one impossible clause settles the whole block, whatever the unknown ones
    condition = {
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
        "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
        "StringEquals": {"aws:RequestedRegion": []},
    }
    result, lines = evaluate_condition(condition, unknown)
    assert result is F
    assert lines[2] == "StringEquals aws:RequestedRegion in []: false (no values in the condition)"


def test_conditions_decided_without_the_key() -> None:
    unknown = RequestContext()
    assert evaluate_condition({"StringNotEquals": {"k:key": []}}, unknown)[0] is T
    assert evaluate_condition({"ForAllValues:StringNotLike": {"k:key": []}}, unknown)[0] is T
    assert evaluate_condition({"StringLikeIfExists": {"k:key": "*"}}, unknown)[0] is T
    assert evaluate_condition({"ForAllValues:StringLike": {"k:key": ["**", "x"]}}, unknown)[0] is T
    # still unknown: absence and presence disagree
    assert evaluate_condition({"StringLike": {"k:key": "*"}}, unknown)[0] is U
    assert evaluate_condition({"StringEqualsIfExists": {"k:key": []}}, unknown)[0] is U
    assert evaluate_condition({"StringLikeIfExists": {"k:key": "${*}"}}, unknown)[0] is U
    assert evaluate_condition({"StringNotLikeIfExists": {"k:key": "*"}}, unknown)[0] is U
    assert evaluate_condition({"StringNotLike": {"k:key": "*"}}, RequestContext.of({"k:key": "x"}))[0] is F


# --- properties ---------------------------------------------------------------------------------

KEYS = ("k:a", "k:b", "k:c")
REQUEST_VALUES = (
    "a",
    "A",
    "b",
    "a*",
    "1",
    "2.5",
    "2001-06-01T00:00:00Z",
    "10.1.2.3",
    "::1",
    "true",
    "false",
    "arn:aws:iam::1:role/x",
    "arn:aws:iam::2:user/a",
)
FAMILIES: dict[str, tuple[str, ...]] = {
    "StringEquals": ("a", "b", "A", "a*", "${k:c}", "${k:c, 'a'}"),
    "StringNotEquals": ("a", "b", "${k:c}"),
    "StringEqualsIgnoreCase": ("a", "B"),
    "StringNotEqualsIgnoreCase": ("a", "B"),
    "StringLike": ("a*", "*", "?", "${k:c}*", "a${*}"),
    "StringNotLike": ("a*", "*", "${k:c}"),
    "NumericLessThan": ("2", "-3", "2.5"),
    "NumericNotEquals": ("1", "2.5"),
    "DateGreaterThan": ("2001-01-01", "2030-01-01T00:00:00Z", "1000000000"),
    "DateNotEquals": ("2001-06-01",),
    "Bool": ("true", "false"),
    "IpAddress": ("10.0.0.0/8", "10.1.2.3", "::/0"),
    "NotIpAddress": ("10.0.0.0/8",),
    "ArnLike": ("arn:aws:iam::1:role/*", "arn:aws:iam::*:user/a", "arn:aws:iam::${k:c}:role/x"),
    "ArnNotEquals": ("arn:aws:iam::1:role/x",),
    "Null": ("true", "false"),
}


@st.composite
def clauses(draw: st.DrawFn) -> tuple[str, str, list[str]]:
    """One (operator, key, values) clause with values its operator accepts."""
    base = draw(st.sampled_from(sorted(FAMILIES)))
    operator = base
    if base != "Null":
        operator = draw(st.sampled_from(["", "ForAllValues:", "ForAnyValue:"])) + base
        operator += draw(st.sampled_from(["", "IfExists"]))
    values = draw(st.lists(st.sampled_from(FAMILIES[base]), max_size=3))
    return operator, draw(st.sampled_from(KEYS)), values


@st.composite
def conditions(draw: st.DrawFn) -> dict[str, dict[str, list[str]]]:
    condition: dict[str, dict[str, list[str]]] = {}
    for operator, key, values in draw(st.lists(clauses(), min_size=1, max_size=4)):
        condition.setdefault(operator, {})[key] = values
    return condition


request_values = st.one_of(
    st.none(), st.lists(st.sampled_from(REQUEST_VALUES), min_size=1, max_size=3).map(tuple), st.just(...)
)
closed_contexts = st.fixed_dictionaries({key: request_values for key in KEYS}).map(
    lambda drawn: RequestContext({k: v for k, v in drawn.items() if v is not ...}, closed=True)
)


def known(context: RequestContext, key: str) -> tuple[str, ...] | None:
    """A key's value in a closed context (never UNKNOWN there)."""
    found = context.get(key)
    assert found is not Tri.UNKNOWN
    return found


@settings(max_examples=400, deadline=None)
@given(conditions(), closed_contexts, st.sets(st.sampled_from(KEYS)))
def test_unknown_keys_never_change_a_decided_outcome(
    condition: dict[str, Any], closed: RequestContext, hidden: set[str]
) -> None:
    """Soundness: hiding keys may turn an outcome into UNKNOWN, never into the other truth value."""
    decided = evaluate_condition(condition, closed)[0]
    assert decided is not U  # every key known (a closed context): AWS's own two-valued answer
    explicit = RequestContext({key: known(closed, key) for key in KEYS})  # same facts, stated in an open context
    assert evaluate_condition(condition, explicit)[0] is decided
    partial = RequestContext({k: v for k, v in explicit.values.items() if k not in hidden})
    assert evaluate_condition(condition, partial)[0] in (U, decided)
    assert compile_condition(condition).outcome(partial) is evaluate_condition(condition, partial)[0]


@settings(max_examples=300, deadline=None)
@given(conditions(), closed_contexts, st.sets(st.sampled_from(KEYS)))
def test_a_false_clause_makes_the_whole_false_and_order_does_not_matter(
    condition: dict[str, Any], closed: RequestContext, hidden: set[str]
) -> None:
    context = RequestContext({k: v for k, v in closed.values.items() if k not in hidden})
    result, lines = evaluate_condition(condition, context)
    # the block is the Kleene AND of its clauses, in any order
    parts = [{operator: {key: values}} for operator, block in condition.items() for key, values in block.items()]
    assert result is Tri.every(evaluate_condition(part, context)[0] for part in parts)
    assert len(lines) == len(parts)
    reordered = {operator: dict(reversed(block.items())) for operator, block in reversed(condition.items())}
    assert evaluate_condition(reordered, context)[0] is result
    # an impossible clause (spelled differently so it is a separate operator entry) forces FALSE
    assert evaluate_condition({**condition, "STRINGEQUALS": {"k:never": []}}, context)[0] is F
