"""How the rules read the store: a few scans, each evaluating many rules.

Reading the whole store once per rule is too slow (a store holds millions of records and a rule set
has a hundred rules). A rule's anchor is a necessary condition on ``eventName`` (or ``eventSource``)
read off its condition (see :mod:`.compiler`); the rules are split into scan groups by whether they
have one and whether they read ``raw``:

* ``eventName``/``eventSource`` (anchored rules, by the field of their anchor): one scan keeps the
  records that satisfy some rule's anchor. The filter is a plain ``lower(eventName) IN (...)``, which
  the store's Parquet reader applies before decoding the other columns, so the large columns are read
  only where such records are. A map from the lower-cased value gives each record's candidate rules
  (as a bitmask), and only those rules' predicates are evaluated on it.
* ``free``: rules without an anchor; their scan keeps the records that match one of them.
* ``... raw``: the same for rules that read fields only ``raw`` holds, apart so that the large ``raw``
  column is decoded only for them.

Each scan writes a small temporary table: per record what an alert needs (id, time, principal,
account, region, API call, request parameters), the correlation rules' group-by and value fields, and
bitmasks of the rules it matched (``_cw_match0``, ... one bit per rule). A rule's matches are then
the rows with its bit set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from cloudward.detect.sigma.compiler import Anchor
from cloudward.detect.sigma.fields import RAW_COLUMN, quote_identifier, quote_literal, resolve_field
from cloudward.detect.sigma.rules import DetectionRule

MASK_BITS = 62  # rules per bitmask column (a BIGINT, sign bit unused)
PRINCIPAL_SQL = (
    'COALESCE(NULLIF("userIdentity"."arn", \'\'), NULLIF("userIdentity"."principalId", \'\'), '
    "NULLIF(\"userIdentity\".\"type\", ''), 'unknown')"
)
# What is kept of each record: its id, time, principal, account, region, API call and parameters.
RECORD_COLUMNS = {
    "_id": '"eventID"',
    "_t": '"eventTime"',
    "_p": PRINCIPAL_SQL,
    "_a": 'COALESCE("recipientAccountId", "userIdentity"."accountId", \'\')',
    "_reg": "COALESCE(\"awsRegion\", '')",
    "_n": "COALESCE(\"eventName\", '')",
    "_rp": '"requestParameters"',
}


@dataclass(frozen=True)
class ScanGroup:
    """Rules evaluated by one scan of the store.

    Attributes:
        kind: the anchor field (``eventName``, ``eventSource``) or ``free``, with `` raw`` appended for
            rules that read ``raw``.
        rules: the rules with their slot numbers (unique across groups).
    """

    kind: str
    rules: tuple[tuple[int, DetectionRule], ...]

    @property
    def anchored(self) -> bool:
        """Whether the group's rules have anchors."""
        return not self.kind.startswith("free")

    @property
    def raw(self) -> bool:
        """Whether the group's rules read ``raw``."""
        return self.kind.endswith(" raw")

    def where(self) -> str:
        """The scan's filter over ``events``."""
        if self.anchored:
            return _merged_anchor_sql(rule.anchor for _, rule in self.rules if rule.anchor is not None)
        return " OR ".join(f"({rule.predicate})" for _, rule in self.rules)

    def bits(self) -> dict[int, tuple[str, int]]:
        """slot -> (its bitmask column, its bit)."""
        return {
            slot: (f"_cw_match{index // MASK_BITS}", 1 << (index % MASK_BITS))
            for index, (slot, _) in enumerate(self.rules)
        }

    def candidates(self) -> dict[str, str]:
        """For an anchored group: per bitmask column, SQL of the candidate rules' bits for a record."""
        bits = self.bits()
        keyed: dict[tuple[str, str, bool], dict[str, int]] = {}
        for slot, rule in self.rules:
            assert rule.anchor is not None
            column, bit = bits[slot]
            for value in rule.anchor.values:
                masks = keyed.setdefault((column, rule.anchor.field, False), {})
                masks[value] = masks.get(value, 0) | bit
            for prefix in rule.anchor.prefixes:
                masks = keyed.setdefault((column, rule.anchor.field, True), {})
                masks[prefix] = masks.get(prefix, 0) | bit
        parts: dict[str, list[str]] = {}
        for (column, field, by_prefix), masks in keyed.items():
            subject = f"lower({quote_identifier(field)})"
            if by_prefix:
                parts.setdefault(column, []).extend(
                    f"CASE WHEN starts_with({subject}, {quote_literal(key)}) THEN {mask}::BIGINT ELSE 0::BIGINT END"
                    for key, mask in sorted(masks.items())
                )
            else:
                entries = ", ".join(f"{quote_literal(key)}: {mask}" for key, mask in sorted(masks.items()))
                parts.setdefault(column, []).append(
                    f"COALESCE(map_extract_value(MAP {{{entries}}}::MAP(VARCHAR, BIGINT), {subject}), 0)"
                )
        return {column: " | ".join(terms) for column, terms in parts.items()}

    def masks(self, candidates: Mapping[str, str] | None = None) -> dict[str, str]:
        """Per bitmask column, SQL of the bits of the rules a record matches.

        Args:
            candidates: for an anchored group, per bitmask column, the column holding the candidate bits.
        """
        terms: dict[str, list[str]] = {}
        bits = self.bits()
        for slot, rule in self.rules:
            column, bit = bits[slot]
            test = f"COALESCE(({rule.predicate}), false)"
            if candidates is not None:
                test = f"({candidates[column]} & {bit}) <> 0 AND {test}"
            terms.setdefault(column, []).append(f"CASE WHEN {test} THEN {bit}::BIGINT ELSE 0::BIGINT END")
        return {column: " + ".join(parts) for column, parts in terms.items()}


@dataclass(frozen=True)
class Placement:
    """Where a rule's matches are: its group's temporary table, its slot number and its bit there."""

    table: str
    slot: int
    rule: DetectionRule
    bit: tuple[str, int]


def _merged_anchor_sql(anchors: Iterable[Anchor]) -> str:
    by_field: dict[str, tuple[set[str], set[str]]] = {}
    for anchor in anchors:
        values, prefixes = by_field.setdefault(anchor.field, (set(), set()))
        values |= anchor.values
        prefixes |= anchor.prefixes
    return " OR ".join(
        Anchor(field, frozenset(values), frozenset(prefixes)).sql() for field, (values, prefixes) in by_field.items()
    )


def plan_groups(
    rules: Sequence[DetectionRule], extra_columns: Mapping[str, frozenset[str]] | None = None
) -> list[ScanGroup]:
    """Split rules into scan groups; a rule's slot is its position in ``rules``.

    Args:
        rules: the detection rules to run.
        extra_columns: per rule_id, further columns its records must provide (correlation group-by fields).
    """
    extra_columns = extra_columns or {}
    members: dict[str, list[tuple[int, DetectionRule]]] = {}
    for slot, rule in enumerate(rules):
        raw = RAW_COLUMN in rule.columns | extra_columns.get(rule.rule_id, frozenset())
        kind = (rule.anchor.field if rule.anchor is not None else "free") + (" raw" if raw else "")
        members.setdefault(kind, []).append((slot, rule))
    return [ScanGroup(kind, tuple(group_rules)) for kind, group_rules in sorted(members.items())]


def utc(moment: datetime) -> datetime:
    """An aware UTC datetime (a naive one is taken to be UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def time_filter(since: datetime | None, until: datetime | None) -> str:
    """SQL restricting ``eventTime`` to [since, until)."""
    terms = []
    if since is not None:
        terms.append(f'"eventTime" >= TIMESTAMPTZ {quote_literal(utc(since).isoformat())}')
    if until is not None:
        terms.append(f'"eventTime" < TIMESTAMPTZ {quote_literal(utc(until).isoformat())}')
    return " AND ".join(terms) if terms else "true"


def scan_sql(
    group: ScanGroup,
    table: str,
    since: datetime | None,
    until: datetime | None,
    fields: Mapping[str, str],
    needs: Mapping[str, frozenset[str]] | None = None,
) -> str:
    """The statement that reads a group's matches from ``events`` into a temporary table.

    Args:
        group: the scan group.
        table: the temporary table to create.
        since: only records at or after this time.
        until: only records before this time.
        fields: column alias -> Sigma field name, further fields to keep (correlation group-by and
            value fields). Outside the ``raw`` groups a field only ``raw`` holds is NULL: the rules that
            need it are planned into a ``raw`` group.
        needs: column alias -> the rule_ids that need the field; it is computed only for their records.
    """
    bits = group.bits()
    if group.anchored:
        flags = {column: f"_cw_candidates{index}" for index, column in enumerate(group.candidates())}
        inner = [f"{expression} AS {flags[column]}" for column, expression in group.candidates().items()]
    else:
        flags = {column: column for column in group.masks()}
        inner = [f"{mask} AS {column}" for column, mask in group.masks().items()]
    # Rules without anchor can match most records (any API call): their records' request parameters
    # are not kept but read back for the first records of each alert (engine.lookup_resources).
    record = RECORD_COLUMNS if group.anchored else {**RECORD_COLUMNS, "_rp": "CAST(NULL AS VARCHAR)"}
    items = [f"{expression} AS {name}" for name, expression in record.items()]
    for alias, name in fields.items():
        field = resolve_field(name)
        wanted: dict[str, int] = {}
        for slot, rule in group.rules:
            if needs is None or rule.rule_id in needs.get(alias, frozenset()):
                column, bit = bits[slot]
                wanted[column] = wanted.get(column, 0) | bit
        if not wanted or (RAW_COLUMN in field.columns and not group.raw):
            items.append(f"CAST(NULL AS VARCHAR) AS {alias}")
            continue
        guard = " OR ".join(f"({flags[column]} & {mask}) <> 0" for column, mask in wanted.items())
        items.append(f"CASE WHEN {guard} THEN {field.text} END AS {alias}")
    if group.anchored:
        items.extend(f"{mask} AS {column}" for column, mask in group.masks(flags).items())
    else:
        items.extend(flags)
    where = f"({time_filter(since, until)}) AND ({group.where()})"
    return (
        f"CREATE TEMP TABLE {quote_identifier(table)} AS SELECT {', '.join(items)} "
        f"FROM (SELECT *, {', '.join(inner)} FROM events WHERE {where})"
    )


def matched_sql(
    placements: Mapping[str, Placement], rules: Iterable[DetectionRule], extra: Mapping[str, str] | None = None
) -> str:
    """The records the rules match: ``_ri`` (the rule's slot), the record columns and ``extra``.

    A record and a rule it matches make one row. Per bitmask column, a record with one bit set among these
    rules (most records) gets its slot from a map; the few with several bits set are unnested, a row per bit.

    Args:
        placements: rule_id -> where its matches are.
        rules: the rules.
        extra: further columns, SQL expressions by name (over ``_ri`` and the kept fields).
    """
    columns = ", ".join(
        ["_ri", *RECORD_COLUMNS, *(f"{expression} AS {name}" for name, expression in (extra or {}).items())]
    )
    by_column: dict[tuple[str, str], dict[int, int]] = {}
    for rule in rules:
        placement = placements[rule.rule_id]
        column, bit = placement.bit
        by_column.setdefault((placement.table, column), {})[bit] = placement.slot
    selects = []
    for (table, column), slots in by_column.items():
        mask = sum(slots)
        ours = f"({column} & {mask})"
        several = f"({ours} & ({ours} - 1)) <> 0"
        source = quote_identifier(table)
        if len(slots) == 1:  # one rule in this column: no record has several of its bits
            (slot,) = slots.values()
            selects.append(f"SELECT {columns} FROM (SELECT *, {slot} AS _ri FROM {source} WHERE {ours} <> 0)")
            continue
        entries = ", ".join(f"{bit}: {slot}" for bit, slot in sorted(slots.items()))
        slot_of = f"map_extract_value(MAP {{{entries}}}::MAP(BIGINT, INTEGER), {ours})"
        selects.append(
            f"SELECT {columns} FROM (SELECT *, {slot_of} AS _ri FROM {source} WHERE {ours} <> 0 AND NOT {several})"
        )
        each = ", ".join(f"CASE WHEN ({column} & {bit}) <> 0 THEN {slot} END" for bit, slot in sorted(slots.items()))
        slots_of = f"unnest(list_filter([{each}], lambda s: s IS NOT NULL))"
        selects.append(f"SELECT {columns} FROM (SELECT *, {slots_of} AS _ri FROM {source} WHERE {several})")
    return " UNION ALL ".join(selects)
