"""Snapshots on disk: a directory with ``manifest.json`` and ``resources.parquet``.

Collection and evaluation are separate steps with this directory between them; a snapshot re-checks
offline with no credentials. DuckDB reads it directly::

    SELECT type, count(*) FROM 'SNAPSHOT/resources.parquet' GROUP BY type;
    SELECT json_extract(attrs, '$.configuration.PubliclyAccessible') FROM 'SNAPSHOT/resources.parquet';
    SELECT unnest(errors, recursive := true) FROM read_json('SNAPSHOT/manifest.json');

Writes go to a temporary sibling directory that is renamed into place, so an interrupted write never
damages an earlier snapshot.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import orjson
from pydantic import BaseModel, ConfigDict, ValidationError

from cloudward import __version__
from cloudward.core.errors import SnapshotError
from cloudward.inventory.attrs import dumps, loads
from cloudward.inventory.inventory import CollectionError, Inventory
from cloudward.inventory.resource import Resource

FORMAT = "cloudward-snapshot"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
RESOURCES = "resources.parquet"

COLUMNS = ("arn", "type", "account_id", "region", "name", "tags", "attrs")
"""The columns of resources.parquet, all strings; tags and attrs hold JSON."""
# pyarrow is imported where a snapshot is read or written: it costs ~40 MB a scan without one never needs.


class ManifestError(BaseModel):
    """A collection error as stored in the manifest."""

    model_config = ConfigDict(extra="forbid")

    service: str
    region: str
    resource_type: str
    operation: str
    code: str
    message: str
    supplement: str = ""
    count: int = 1


class Manifest(BaseModel):
    """What a snapshot holds: who collected what, where, when, and what failed."""

    model_config = ConfigDict(extra="forbid")

    format: str
    format_version: int
    tool_version: str
    provider: str
    account_id: str
    regions: list[str]
    collected_at: datetime
    written_at: datetime
    resource_count: int
    collected: dict[str, list[str]]
    errors: list[ManifestError]


def write_snapshot(inventory: Inventory, path: Path, collected: Mapping[str, frozenset[str]]) -> Path:
    """Write an inventory as a snapshot directory; ``collected`` records types and supplements read."""
    path = Path(path)
    if path.exists() and not (path / MANIFEST).exists():
        raise SnapshotError(f"{path} exists and is not a cloudward snapshot; refusing to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq

        columns: dict[str, list[str]] = {name: [] for name in COLUMNS}
        for resource in inventory:
            columns["arn"].append(resource.arn)
            columns["type"].append(resource.type)
            columns["account_id"].append(resource.account_id)
            columns["region"].append(resource.region)
            columns["name"].append(resource.name)
            columns["tags"].append(dumps(dict(resource.tags)).decode())
            columns["attrs"].append(dumps(dict(resource.attrs)).decode())
        schema = pa.schema([(name, pa.string()) for name in COLUMNS])
        pq.write_table(pa.table(columns, schema=schema), staging / RESOURCES, compression="zstd")
        manifest = Manifest(
            format=FORMAT,
            format_version=FORMAT_VERSION,
            tool_version=__version__,
            provider="aws",
            account_id=inventory.account_id,
            regions=list(inventory.regions),
            collected_at=inventory.collected_at,
            written_at=datetime.now(UTC),
            resource_count=len(inventory),
            collected={key: sorted(value) for key, value in sorted(collected.items())},
            errors=[ManifestError.model_validate(_error_fields(error)) for error in inventory.errors],
        )
        (staging / MANIFEST).write_bytes(orjson.dumps(manifest.model_dump(mode="json"), option=orjson.OPT_INDENT_2))
        if path.exists():
            backup = path.with_name(f".{path.name}.old")
            shutil.rmtree(backup, ignore_errors=True)
            path.rename(backup)
            try:
                staging.rename(path)
            except BaseException:
                backup.rename(path)  # put the earlier snapshot back
                raise
            shutil.rmtree(backup, ignore_errors=True)
        else:
            staging.rename(path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return path


def _error_fields(error: CollectionError) -> dict[str, object]:
    return dataclasses.asdict(error)


def read_manifest(path: Path) -> Manifest:
    """Read and validate a snapshot's manifest, with a clear error for anything else."""
    path = Path(path)
    if not path.exists():
        raise SnapshotError(f"snapshot {path} does not exist")
    if not path.is_dir():
        raise SnapshotError(f"{path} is a file, not a cloudward snapshot directory (expected {MANIFEST} inside)")
    manifest_path = path / MANIFEST
    if not manifest_path.exists():
        raise SnapshotError(f"{path} is not a cloudward snapshot: {MANIFEST} is missing")
    try:
        raw = orjson.loads(manifest_path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise SnapshotError(f"{manifest_path} is corrupt: not valid JSON ({exc})") from exc
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise SnapshotError(f"{manifest_path} is not a cloudward snapshot manifest (format != {FORMAT!r})")
    if raw.get("format_version") != FORMAT_VERSION:
        raise SnapshotError(
            f"{path} has snapshot format version {raw.get('format_version')!r}; this cloudward reads "
            f"version {FORMAT_VERSION}"
        )
    try:
        return Manifest.model_validate(raw)
    except ValidationError as exc:
        raise SnapshotError(f"{manifest_path} is corrupt: {exc.error_count()} invalid field(s): {exc}") from exc


def read_snapshot(path: Path) -> tuple[Inventory, Manifest]:
    """Load a snapshot as an Inventory (no credentials, no network)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    manifest = read_manifest(path)
    try:
        table = pq.read_table(path / RESOURCES)
    except (OSError, pa.ArrowException) as exc:
        raise SnapshotError(f"{path / RESOURCES} is missing or corrupt: {exc}") from exc
    missing = set(COLUMNS) - set(table.column_names)
    if missing:
        raise SnapshotError(f"{path / RESOURCES} lacks column(s) {', '.join(sorted(missing))}")
    if table.num_rows != manifest.resource_count:
        raise SnapshotError(
            f"{path} is incomplete: the manifest lists {manifest.resource_count} resources, the table has "
            f"{table.num_rows}"
        )
    columns = {name: table.column(name).to_pylist() for name in COLUMNS}
    try:
        resources = [
            Resource(
                arn=arn,
                type=type_name,
                account_id=account_id,
                region=region,
                name=name,
                tags=loads(tags),
                attrs=loads(attrs),
            )
            for arn, type_name, account_id, region, name, tags, attrs in zip(
                *(columns[name] for name in COLUMNS), strict=True
            )
        ]
    except orjson.JSONDecodeError as exc:
        raise SnapshotError(f"{path / RESOURCES} holds invalid attribute JSON: {exc}") from exc
    inventory = Inventory(
        account_id=manifest.account_id,
        collected_at=manifest.collected_at,
        regions=tuple(manifest.regions),
        resources=resources,
        errors=[CollectionError(**error.model_dump()) for error in manifest.errors],
        collected={type_name: frozenset(names) for type_name, names in manifest.collected.items()},
    )
    return inventory, manifest
