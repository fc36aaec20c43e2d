"""Identifiers that look like AWS's, drawn from a seeded generator or derived from stable names.

Two sources, on purpose:

* :class:`Tokens` draws from the generation's ``random.Random``: event ids, request ids, the
  ``x-amz-id-2`` of S3 data events. Same seed, same draws, same ids.
* :func:`stable` hashes a tuple of names (BLAKE2b), for ids that must not depend on the order of
  draws: an instance's credentials during a given six hours are the same whether an attack scenario
  that reuses them was selected or not.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import random

# AWS access key ids are "AKIA"/"ASIA" and 16 characters of the base32 alphabet.
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
HEX = "0123456789abcdef"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in HEX}
_ALNUM_ONLY = str.maketrans({"+": "K", "/": "q", "=": "7"})


@functools.lru_cache(maxsize=1 << 16)
def stable(*parts: object, length: int = 16, alphabet: str = HEX) -> str:
    """A token of ``length`` characters from ``alphabet``, a pure function of ``parts`` (cached)."""
    out: list[str] = []
    counter = 0
    size = len(alphabet)
    while len(out) < length:
        digest = hashlib.blake2b(repr((parts, counter)).encode(), digest_size=64).digest()
        out.extend(alphabet[byte % size] for byte in digest)
        counter += 1
    return "".join(out[:length])


def stable_uuid(*parts: object) -> str:
    """A version-4-shaped UUID that is a pure function of ``parts``."""
    h = stable(*parts, length=32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


def stable_key_id(prefix: str, *parts: object) -> str:
    """An access key id (``AKIA...`` for users, ``ASIA...`` for sessions) derived from ``parts``."""
    return prefix + stable(prefix, *parts, length=16, alphabet=BASE32)


def unique_id(prefix: str, *parts: object) -> str:
    """An IAM unique id (``AIDA``, ``AROA``, ``ANPA``...): the prefix and 17 base32 characters."""
    return prefix + stable(prefix, *parts, length=17, alphabet=BASE32)


class Tokens:
    """Ids drawn from one seeded generator."""

    __slots__ = ("_bits", "_rng")

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._bits = rng.getrandbits

    def uuid(self) -> str:
        """A random version-4 UUID (CloudTrail's ``eventID``, most services' ``requestID``)."""
        h = "%032x" % self._bits(128)  # noqa: UP031 - the fastest spelling, on the hot path
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"

    def uuid_pair(self) -> tuple[str, str]:
        """Two random version-4 UUIDs from one draw (a record's ``requestID`` and ``eventID``)."""
        h = "%064x" % self._bits(256)  # noqa: UP031
        return (
            f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}",
            f"{h[32:40]}-{h[40:44]}-4{h[45:48]}-{_VARIANT[h[48]]}{h[49:52]}-{h[52:]}",
        )

    def s3_request_id(self) -> str:
        """S3's request id: 16 upper-case hex characters."""
        return "%016X" % self._bits(64)  # noqa: UP031

    def amz_id_2(self) -> str:
        """S3's ``x-amz-id-2`` (76 base64 characters)."""
        return base64.b64encode(self._bits(456).to_bytes(57, "big")).decode()

    def text(self, length: int, alphabet: str = ALNUM) -> str:
        """``length`` characters drawn from ``alphabet`` (letters and digits by default)."""
        if alphabet is ALNUM:
            raw = self._bits(6 * length + 6).to_bytes((6 * length + 6 + 7) // 8, "big")
            return base64.b64encode(raw).decode().translate(_ALNUM_ONLY)[:length]
        return "".join(self._rng.choices(alphabet, k=length))

    def hex(self, length: int) -> str:
        """``length`` lower-case hex characters."""
        return ("%0*x" % (length, self._bits(4 * length)))[:length]  # noqa: UP031

    def session_key(self) -> str:
        """A fresh temporary access key id (``ASIA...``)."""
        return "ASIA" + self.text(16, BASE32)
