"""Attribute encoding: Unknown survives JSON normalization, datetimes become ISO strings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cloudward.inventory import Resource, Unknown, UnknownAttributeError
from cloudward.inventory.attrs import normalize, parse_time


def test_unknown_survives_normalization_nested_anywhere() -> None:
    value = {"a": [Unknown("AccessDenied: s3:GetBucketAcl")], "b": Unknown("Throttling: ec2:DescribeVpcs")}
    assert normalize(value) == value


def test_datetimes_become_iso_strings_that_parse_back() -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert normalize({"t": moment}) == {"t": "2026-01-02T03:04:05+00:00"}
    assert parse_time(normalize({"t": moment})["t"]) == moment
    assert parse_time("2026-01-02T03:04:05Z") == moment


def test_supplement_access_distinguishes_unknown_missing_and_not_configured() -> None:
    resource = Resource(
        "arn",
        "T",
        "1",
        "r",
        "n",
        {},
        {
            "configuration": {},
            "supplementaryConfiguration": {"Policy": None, "Acl": Unknown("AccessDenied: s3:GetBucketAcl")},
        },
    )
    assert resource.supplement("Policy") is None
    with pytest.raises(UnknownAttributeError, match="AccessDenied"):
        resource.supplement("Acl")
    with pytest.raises(UnknownAttributeError, match="not collected"):
        resource.supplement("Logging")
