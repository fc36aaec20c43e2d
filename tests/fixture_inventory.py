"""Build small inventories from YAML fixtures (tests/fixtures/checks/<check_id>.yaml).

A fixture lists ``resources`` of the check's type, named ``pass-*``, ``fail-*``, ``unknown-*`` (ERROR) or
``na-*`` (NOT_APPLICABLE), and optional ``context`` resources of other types. An attribute that could
not be read is written ``{__unknown__: "AccessDenied: s3:GetBucketPolicy"}``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from cloudward.inventory import CollectionError, Inventory, Resource
from cloudward.inventory.attrs import normalize
from cloudward.inventory.resource import CONFIGURATION, SUPPLEMENTARY

FIXTURES = Path(__file__).parent / "fixtures" / "checks"
ACCOUNT_ID = "123456789012"
DEFAULT_TIME = "2026-11-01T00:00:00+00:00"


def make_resource(raw: dict[str, Any], default_type: str | None = None) -> Resource:
    """A Resource from a fixture entry; unknown markers become Unknown values."""
    resource_type = raw.get("type", default_type)
    assert resource_type, f"fixture resource {raw.get('name')} needs a type"
    name = raw["name"]
    return Resource(
        arn=raw.get("arn", f"arn:aws:test:{raw.get('region', 'us-east-1')}:{ACCOUNT_ID}:{resource_type}/{name}"),
        type=resource_type,
        account_id=raw.get("account_id", ACCOUNT_ID),
        region=raw.get("region", "us-east-1"),
        name=name,
        tags=raw.get("tags", {}),
        attrs={
            CONFIGURATION: normalize(raw.get("configuration", {})),
            SUPPLEMENTARY: normalize(raw.get("supplementaryConfiguration", {})),
        },
    )


def load_fixture(path: Path, resource_type: str) -> tuple[Inventory, list[Resource]]:
    """The inventory a fixture describes, and the resources under test (those of the check's type)."""
    data = yaml.safe_load(path.read_text())
    under_test = [make_resource(raw, resource_type) for raw in data.get("resources", [])]
    context = [make_resource(raw) for raw in data.get("context", [])]
    inventory = Inventory(
        account_id=ACCOUNT_ID,
        collected_at=datetime.fromisoformat(str(data.get("collected_at", DEFAULT_TIME))),
        regions=tuple(data.get("regions", ["us-east-1"])),
        resources=under_test + context,
        errors=[CollectionError(**error) for error in data.get("errors", [])],
    )
    return inventory, under_test
