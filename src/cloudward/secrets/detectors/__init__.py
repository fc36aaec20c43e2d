"""The detector table: what each kind of plaintext credential looks like and how a candidate is judged.

Every :class:`Detector` has prefilter ``keywords`` (:class:`Trigger`: short literals and bounded regular
expressions that :mod:`cloudward.secrets.scanner` compiles once into a single hyperscan database) and a
``validate`` function. Only around a trigger hit does Python work start: ``validate`` runs ``re`` over a small
window (the line, or a few kilobytes for multi-line PEM and JSON), checks structure (prefix, length,
checksum, decoding) or, for the generic detectors, the assignment's name and the value's entropy and shape.
A clean file therefore costs one hyperscan pass and nothing else.

Trigger patterns use the syntax common to hyperscan and Python ``re`` (no lookarounds, no backreferences,
bounded repeats where a match could otherwise end at many offsets), so the pure-``re`` fallback prefilter
sees the same triggers.

Order matters: when two detectors claim overlapping text, the one earlier in :data:`DETECTORS` wins
(a GitHub token assigned to ``token = ...`` is a ``github-token``, not a ``generic-secret``).
"""

from __future__ import annotations

from cloudward.secrets.detectors.base import Candidate, Detector, ScanContext, Trigger
from cloudward.secrets.detectors.names import classify_name, is_testish_name
from cloudward.secrets.detectors.structured import base62_checksum, github_checksum_ok
from cloudward.secrets.detectors.table import DETECTOR_IDS, DETECTORS, all_triggers
from cloudward.secrets.detectors.values import score_generic

__all__ = [
    "DETECTORS",
    "DETECTOR_IDS",
    "Candidate",
    "Detector",
    "ScanContext",
    "Trigger",
    "all_triggers",
    "base62_checksum",
    "classify_name",
    "github_checksum_ok",
    "is_testish_name",
    "score_generic",
]
