"""Documents of AWS managed policies for input that leaves them out, from moto's maintained copy.

moto (a runtime dependency: the lab runs on it) ships the current documents of about 1,600 AWS managed
policies. A GAAD file exported with ``--filter User Role Group LocalManagedPolicy`` references
AdministratorAccess without its document; reading it from this copy keeps such principals judgeable.
Loading the copy takes about 2 s, so it happens only when a document is missing.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import orjson


@cache
def _documents() -> dict[str, dict[str, Any]]:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    found: dict[str, dict[str, Any]] = {}
    for name, entry in orjson.loads(aws_managed_policies_data).items():
        path = str(entry.get("Path") or "/")
        found[f"arn:aws:iam::aws:policy{path}{name}"] = entry["Document"]
    return found


def aws_managed_document(arn: str) -> dict[str, Any] | None:
    """The default version's document of an AWS managed policy, or None when the copy does not have it."""
    return _documents().get(arn)
