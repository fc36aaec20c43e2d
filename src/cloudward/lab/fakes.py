"""Fake credentials for the lab: shaped like real ones so the secrets engine recognises them, valid nowhere.

Built at seeding time from a hash of a label, so no credential-shaped literal sits in the source, and the
same label always gives the same value (the lab is identical on every start).
"""

from __future__ import annotations

import hashlib
import string

BASE32 = string.ascii_uppercase + "234567"
ALNUM = string.ascii_letters + string.digits
BASE64 = ALNUM + "+/"
PASSWORD_CHARS = ALNUM + "-_.!"


def fake(label: str, alphabet: str, length: int) -> str:
    """``length`` characters of ``alphabet`` derived from a hash of ``label``: deterministic, random-looking, fake."""
    out: list[str] = []
    counter = 0
    while len(out) < length:
        block = hashlib.sha256(f"cloudward-lab-fake:{label}:{counter}".encode()).digest()
        out.extend(alphabet[byte % len(alphabet)] for byte in block)
        counter += 1
    return "".join(out[:length])


def fake_password(label: str, length: int = 20) -> str:
    """A fake password (letters, digits and ``-_.!``)."""
    return fake(label, PASSWORD_CHARS, length)
