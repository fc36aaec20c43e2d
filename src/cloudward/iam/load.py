"""Loading the identity engine's input from files: GAAD, resources, SCPs/RCPs, snapshots.

Every problem with a file is a :class:`~cloudward.core.errors.CloudwardError` naming the file and what is
wrong with it, so the CLI prints one clear line instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from cloudward.core.errors import CloudwardError
from cloudward.iam.model import AccountModel
from cloudward.iam.policy import Policy, compile_policy
from cloudward.inventory import UnknownAttributeError

IDENTITY_NEEDS = {
    "AWS::IAM::User": frozenset(),
    "AWS::IAM::Role": frozenset(),
    "AWS::IAM::Group": frozenset(),
    "AWS::IAM::Policy": frozenset(),
    "AWS::::Account": frozenset({"AttachedAWSManagedPolicies"}),
}
"""What the collector reads for the identity model of a live account."""


def read_json(path: Path, what: str) -> Any:
    """A JSON file, or a clear error naming it."""
    try:
        return orjson.loads(Path(path).read_bytes())
    except FileNotFoundError:
        raise CloudwardError(f"{what} {path}: no such file") from None
    except orjson.JSONDecodeError as exc:
        raise CloudwardError(f"{what} {path}: not valid JSON ({exc})") from None
    except OSError as exc:
        raise CloudwardError(f"{what} {path}: {exc.strerror}") from None


def read_gaad_files(gaad: Path, resources: Path | None = None) -> AccountModel:
    """A model from a GetAccountAuthorizationDetails file and an optional resources file.

    The GAAD file may be one response, or a list of pages (``aws ... --no-paginate`` output and paginated
    dumps both occur); pages are merged.
    """
    document = read_json(gaad, "authorization details")
    if isinstance(document, list):
        merged: dict[str, list[Any]] = {}
        for page in document:
            if isinstance(page, dict):
                for key, value in page.items():
                    if isinstance(value, list):
                        merged.setdefault(key, []).extend(value)
        document = merged
    extra = read_json(resources, "resources file") if resources else None
    if extra is not None and not isinstance(extra, dict | list):
        raise CloudwardError(f'resources file {resources}: expected {{"resources": [...]}} or a list')
    try:
        return AccountModel.from_gaad(document, extra)
    except ValueError as exc:
        raise CloudwardError(f"authorization details {gaad}: {exc}") from None


def read_policy_levels(paths: Sequence[Path], kind: str) -> list[list[Policy]]:
    """SCPs or RCPs: each file is one level of the organization (a document, or a list of documents)."""
    levels: list[list[Policy]] = []
    for index, path in enumerate(paths):
        document = read_json(path, kind)
        documents = document if isinstance(document, list) else [document]
        level = []
        for number, item in enumerate(documents):
            content = item.get("Content", item) if isinstance(item, dict) else item
            label = f"{kind} {path.name}" + (f" #{number + 1}" if len(documents) > 1 else "")
            try:
                level.append(compile_policy(content, label))
            except UnknownAttributeError as exc:
                raise CloudwardError(f"{kind} {path}: {exc}") from None
        if not level:
            raise CloudwardError(f"{kind} {path}: no policy in the file (level {index + 1} would deny everything)")
        levels.append(level)
    return levels
