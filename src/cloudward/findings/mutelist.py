"""Suppressions: a YAML mutelist that marks accepted FAIL and ERROR findings as muted, with a reason.

A muted finding keeps its status (a muted FAIL is still a FAIL on the resource) and carries the entry's
reason in ``Finding.muted``; summaries count it apart, exit codes ignore it, and reports show it as muted.
Entries can expire: expiry is compared with the scan's collection date, never with the wall clock, so
re-checking an old snapshot mutes exactly what the original scan muted.

The file::

    mutes:
      - checks: [s3_bucket_versioning_enabled, "ec2_*"]   # ids or shell-style globs; required
        accounts: ["123456789012"]                        # optional, default all
        regions: ["eu-west-1"]                            # optional
        resources: ["arn:aws:s3:::acme-logs*"]            # optional ARN or name globs
        tags: {env: sandbox}                              # optional; all must match (value glob)
        reason: "log buckets are versioned by the archive job"   # required
        expires: 2027-01-31                               # optional; mutes through that day
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cloudward.checks.model import Status
from cloudward.core.errors import CloudwardError
from cloudward.findings.model import Finding

MUTABLE_STATUSES = frozenset({Status.FAIL, Status.ERROR})
"""Only these are muted: PASS and NOT_APPLICABLE need no suppression and stay as they are."""

_GLOB_CHARACTERS = frozenset("*?[")
_ACCOUNT_ID_DIGITS = 12


class MutelistError(CloudwardError):
    """The mutelist file is missing, not YAML, or has an invalid entry (named by index and field)."""


def is_glob(pattern: str) -> bool:
    """True when a pattern uses shell-style wildcards (``*``, ``?`` or ``[...]``)."""
    return not _GLOB_CHARACTERS.isdisjoint(pattern)


def _as_patterns(value: Any) -> Any:
    """Accept one pattern as well as a list of them; reject empty patterns."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        for item in value:
            if isinstance(item, str) and not item.strip():
                raise ValueError("patterns must not be empty")
    return value


class MuteEntry(BaseModel):
    """One mutelist entry: which findings it mutes, why, and until when.

    Every selector that is given must match (an omitted one matches everything); within a selector, any
    pattern may match. Patterns are case-sensitive shell-style globs (``*``, ``?``, ``[...]``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    checks: tuple[str, ...]
    """Check ids or globs over check ids."""
    accounts: tuple[str, ...] = ()
    """Account id globs; empty matches every account."""
    regions: tuple[str, ...] = ()
    """Region globs; empty matches every region (global resources have an empty region)."""
    resources: tuple[str, ...] = ()
    """Globs matched against the resource's ARN or its name; empty matches every resource."""
    tags: dict[str, str] = Field(default_factory=dict)
    """Tag key -> value glob; the resource must carry every key with a matching value."""
    reason: str
    """Why these findings are accepted; shown with every muted finding."""
    expires: date | None = None
    """The last day (UTC) the entry mutes, compared with the scan's collection date."""

    @field_validator("checks", mode="before")
    @classmethod
    def _checks_patterns(cls, value: Any) -> Any:
        value = _as_patterns(value)
        if isinstance(value, list) and not value:
            raise ValueError("list at least one check id or glob")
        return value

    @field_validator("regions", "resources", mode="before")
    @classmethod
    def _selector_patterns(cls, value: Any) -> Any:
        return _as_patterns(value)

    @field_validator("accounts", mode="before")
    @classmethod
    def _account_patterns(cls, value: Any) -> Any:
        value = [value] if isinstance(value, str | int) and not isinstance(value, bool) else value
        if isinstance(value, list):
            value = [_account_text(item) for item in value]
        return _as_patterns(value)

    @field_validator("tags", mode="before")
    @classmethod
    def _tag_values(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        checked: dict[Any, Any] = {}
        for key, item in value.items():
            if isinstance(item, bool) or item is None:
                raise ValueError(
                    f"tag {key!r}: the value must be a string (quote it: YAML reads unquoted yes/no/true/false "
                    "as booleans and an empty value as null)"
                )
            checked[key] = str(item) if isinstance(item, int | float) else item
        return checked

    @field_validator("reason")
    @classmethod
    def _reason_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty: say why these findings are accepted")
        return value.strip()

    def matches(self, finding: Finding) -> bool:
        """True when every given selector matches the finding (its status is not considered here)."""
        resource = finding.resource
        return (
            any(fnmatchcase(finding.check.id, pattern) for pattern in self.checks)
            and (not self.accounts or any(fnmatchcase(resource.account_id, p) for p in self.accounts))
            and (not self.regions or any(fnmatchcase(resource.region, p) for p in self.regions))
            and (
                not self.resources
                or any(fnmatchcase(resource.arn, p) or fnmatchcase(resource.name, p) for p in self.resources)
            )
            and all(
                key in resource.tags and fnmatchcase(resource.tags[key], pattern) for key, pattern in self.tags.items()
            )
        )

    def expired_on(self, day: date) -> bool:
        """True when the entry no longer mutes on this day (the day after ``expires`` and later)."""
        return self.expires is not None and day > self.expires

    def describe(self) -> str:
        """A one-line summary of the entry's selectors for reports: ``checks ec2_*; regions eu-west-1``."""
        parts = [f"checks {', '.join(self.checks)}"]
        for name, values in (("accounts", self.accounts), ("regions", self.regions), ("resources", self.resources)):
            if values:
                parts.append(f"{name} {', '.join(values)}")
        if self.tags:
            parts.append("tags " + ", ".join(f"{key}={value}" for key, value in sorted(self.tags.items())))
        return "; ".join(parts)


def _account_text(value: Any) -> Any:
    """A 12-digit account id YAML read as a number becomes text again; other numbers are ambiguous."""
    if isinstance(value, int) and not isinstance(value, bool):
        if len(str(value)) == _ACCOUNT_ID_DIGITS:
            return str(value)
        raise ValueError(f"account id {value} must be quoted (YAML reads unquoted digits as a number)")
    return value


class _MutelistFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    mutes: tuple[MuteEntry, ...]


@dataclass(frozen=True, slots=True)
class EntryOutcome:
    """What one entry did in one scan."""

    index: int
    """The entry's position in the file (``mutes[index]``, from 0)."""
    entry: MuteEntry
    expired: bool
    """True when the entry had expired at the scan's collection date, so it muted nothing."""
    matched: int
    """Findings this entry muted; for an expired entry, the FAIL/ERROR findings it would have muted."""

    @property
    def label(self) -> str:
        """``mutes[3]``: how errors and reports name the entry."""
        return f"mutes[{self.index}]"

    @property
    def unused(self) -> bool:
        """An active entry that muted nothing (a candidate for removal)."""
        return not self.expired and self.matched == 0


@dataclass(frozen=True, slots=True)
class MuteReport:
    """The outcome of applying a mutelist to a scan's findings, for the console and the reports."""

    source: str
    """Where the mutelist came from (its path)."""
    as_of: date
    """The date expiry was judged at: the scan's collection date (UTC)."""
    entries: tuple[EntryOutcome, ...]

    @property
    def muted(self) -> int:
        """How many findings were muted."""
        return sum(outcome.matched for outcome in self.entries if not outcome.expired)

    @property
    def expired(self) -> tuple[EntryOutcome, ...]:
        """Entries past their ``expires`` date: they muted nothing."""
        return tuple(outcome for outcome in self.entries if outcome.expired)

    @property
    def unused(self) -> tuple[EntryOutcome, ...]:
        """Active entries that matched no FAIL or ERROR finding."""
        return tuple(outcome for outcome in self.entries if outcome.unused)


@dataclass(frozen=True, slots=True)
class Mutelist:
    """A parsed mutelist: entries in file order (the first active entry that matches a finding mutes it)."""

    entries: tuple[MuteEntry, ...]
    source: str = "<mutelist>"

    def apply(self, findings: Iterable[Finding], collected_at: datetime) -> tuple[list[Finding], MuteReport]:
        """Mute the FAIL and ERROR findings an active entry matches; everything else is returned unchanged.

        Args:
            findings: The scan's findings; their order is kept.
            collected_at: When the scan's inventory was collected: an entry whose ``expires`` date is
                before this date (in UTC) has expired, mutes nothing and is reported as expired.

        Returns:
            The findings (muted ones carry their entry's reason in ``muted``) and what each entry did.
        """
        as_of = _utc_date(collected_at)
        expired = [entry.expired_on(as_of) for entry in self.entries]
        counts = [0] * len(self.entries)
        result: list[Finding] = []
        for finding in findings:
            if finding.status not in MUTABLE_STATUSES:
                result.append(finding)
                continue
            hit = next(
                (i for i, entry in enumerate(self.entries) if not expired[i] and entry.matches(finding)),
                None,
            )
            if hit is None:
                for i, entry in enumerate(self.entries):
                    if expired[i] and entry.matches(finding):
                        counts[i] += 1  # what expiry un-muted: shown next to the expired entry
                result.append(finding)
                continue
            counts[hit] += 1
            result.append(replace(finding, muted=self.entries[hit].reason))
        outcomes = tuple(
            EntryOutcome(index=i, entry=entry, expired=expired[i], matched=counts[i])
            for i, entry in enumerate(self.entries)
        )
        return result, MuteReport(source=self.source, as_of=as_of, entries=outcomes)


def _utc_date(moment: datetime) -> date:
    return moment.astimezone(UTC).date() if moment.tzinfo is not None else moment.date()


class _Loader(yaml.SafeLoader):
    """A safe loader that leaves dates as text, so that pydantic validates them and names the entry."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _location(loc: Sequence[int | str]) -> str:
    """``('mutes', 2, 'checks', 0)`` -> ``mutes[2].checks[0]``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _messages(error: ValidationError) -> list[str]:
    allowed = ", ".join(MuteEntry.model_fields)
    messages: list[str] = []
    for detail in error.errors():
        where = _location(detail["loc"])
        kind = detail["type"]
        if kind == "extra_forbidden":
            hint = f"allowed: {allowed}" if len(detail["loc"]) > 1 else "the file has one key, mutes"
            message = f"unknown field ({hint})"
        elif kind == "missing":
            message = "required field is missing"
        elif detail["loc"] == ("mutes",) and kind == "tuple_type":
            message = "expected a list of entries (use `mutes: []` for none)"
        elif len(detail["loc"]) == 2 and kind == "model_type":
            message = "expected a mapping with at least `checks:` and `reason:`"
        elif detail["loc"][-1:] == ("expires",):
            message = f"expected an ISO date such as 2027-01-31 ({detail['msg']})"
        else:
            message = str(detail["msg"]).removeprefix("Value error, ")
        if not where:
            found = "an empty file" if detail["input"] is None else f"a {type(detail['input']).__name__}"
            message = f"expected a mapping with a `mutes:` list, found {found}"
        messages.append(f"{where}: {message}" if where else message)
    return messages


def _unknown_checks(entries: Sequence[MuteEntry], known: Collection[str]) -> list[str]:
    messages: list[str] = []
    for index, entry in enumerate(entries):
        for position, check_id in enumerate(entry.checks):
            if is_glob(check_id) or check_id in known:
                continue
            close = difflib.get_close_matches(check_id, list(known), n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            messages.append(f"mutes[{index}].checks[{position}]: unknown check id {check_id!r}{hint}")
    return messages


def _yaml_problem(error: yaml.YAMLError) -> str:
    """``line 3, column 9: expected ...`` (PyYAML's multi-line message, on one line)."""
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        return f"line {mark.line + 1}, column {mark.column + 1}: {error.problem or error.context}"
    return " ".join(str(error).split())


def parse_mutelist(text: str, source: str = "<mutelist>", known_checks: Collection[str] | None = None) -> Mutelist:
    """Parse a mutelist from YAML text.

    Args:
        text: The YAML document.
        source: A name for messages (usually the file's path).
        known_checks: Every check id that exists (built-in and user checks). When given, a plain id in
            ``checks`` that is not among them is an error listing close matches; globs are not checked.

    Raises:
        MutelistError: With one line naming each invalid entry by index and field.
    """
    try:
        document = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.YAMLError as exc:
        raise MutelistError(f"mutelist {source} is not valid YAML: {_yaml_problem(exc)}") from None
    try:
        parsed = _MutelistFile.model_validate(document)
    except ValidationError as exc:
        raise MutelistError(f"mutelist {source}: {'; '.join(_messages(exc))}") from None
    if known_checks is not None:
        unknown = _unknown_checks(parsed.mutes, known_checks)
        if unknown:
            raise MutelistError(f"mutelist {source}: {'; '.join(unknown)}")
    return Mutelist(entries=parsed.mutes, source=source)


def load_mutelist(path: Path, known_checks: Collection[str] | None = None) -> Mutelist:
    """Read and parse a mutelist file (see :func:`parse_mutelist`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MutelistError(f"mutelist {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MutelistError(f"cannot read mutelist {path}: {exc}") from None
    return parse_mutelist(text, str(path), known_checks)
