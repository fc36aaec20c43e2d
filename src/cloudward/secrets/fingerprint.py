"""Keyed fingerprints and redaction: how a secret is named without being shown.

A fingerprint is ``hmac-sha256:`` followed by the first 32 hex digits of HMAC-SHA256(key, value). With a key
kept outside the repository (``CLOUDWARD_SECRETS_KEY`` or a per-user key file created on first use), the same
secret gets the same fingerprint in every scan, baseline and repository of that user or team, while nobody who
only sees the fingerprint can test guesses against it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

ENV_VAR = "CLOUDWARD_SECRETS_KEY"
"""Environment variable holding the fingerprint key as hex (a team shares one key this way, e.g. in CI)."""

KEY_BYTES = 32
"""Size of a generated key."""

MIN_KEY_BYTES = 16
"""Shortest key :meth:`FingerprintKey.load` accepts from the environment or the key file."""

_PREFIX = "hmac-sha256:"


def key_file_path() -> Path:
    """Where the per-user key lives: ``$XDG_CONFIG_HOME/cloudward/fingerprint.key`` or ``~/.config/...``."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "cloudward" / "fingerprint.key"


class FingerprintKey:
    """The secret key of the fingerprints; its bytes never appear in a repr or a message."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        """Wrap raw key bytes.

        Args:
            key: The key; any non-empty byte string (:meth:`load` insists on at least 16 bytes).

        Raises:
            ValueError: If the key is empty.
        """
        if not isinstance(key, bytes) or not key:
            raise ValueError("a fingerprint key must be non-empty bytes")
        self._key = key

    def __repr__(self) -> str:
        return f"FingerprintKey(<{len(self._key)} bytes>)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FingerprintKey) and hmac.compare_digest(self._key, other._key)

    def __hash__(self) -> int:
        return hash(hashlib.sha256(self._key).digest())

    @classmethod
    def load(cls) -> FingerprintKey:
        """The key of this user or team.

        ``CLOUDWARD_SECRETS_KEY`` (hex) when set; otherwise the key file (hex text) from
        :func:`key_file_path`, created with 32 random bytes and mode 0600 on first use.

        Returns:
            The key.

        Raises:
            ValueError: If the environment variable or the key file holds no valid key of at least 16 bytes.
        """
        env = os.environ.get(ENV_VAR)
        if env is not None and env.strip():
            return cls(_parse_hex(env, f"${ENV_VAR}"))
        path = key_file_path()
        try:
            return cls(_parse_hex(path.read_text(encoding="ascii"), str(path)))
        except FileNotFoundError:
            pass
        except UnicodeDecodeError:
            raise ValueError(f"{path}: not a hex fingerprint key") from None
        return cls(_create_key_file(path))

    def fingerprint(self, value: bytes | str) -> str:
        """The keyed fingerprint of a value.

        Args:
            value: The secret; a str is encoded as UTF-8 first, so a value found in a file (bytes) and the
                same value read from a cloud API (str) get the same fingerprint.

        Returns:
            ``hmac-sha256:`` and 32 hex digits.
        """
        raw = value.encode("utf-8") if isinstance(value, str) else value
        return _PREFIX + hmac.new(self._key, raw, hashlib.sha256).hexdigest()[:32]


def redact(value: bytes | str) -> str:
    """A value shown as at most ``min(4, len // 4)`` leading characters followed by ``…``.

    Args:
        value: The secret (bytes are decoded as UTF-8, invalid bytes replaced).

    Returns:
        ``AKIA…`` for a 20-character key id, ``hu…`` for an 8-character password, ``…`` below 4 characters.
    """
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return text[: min(4, len(text) // 4)] + "…"


def _parse_hex(text: str, where: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise ValueError(f"{where}: not a hex fingerprint key") from None
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"{where}: a fingerprint key needs at least {MIN_KEY_BYTES} bytes, found {len(key)}")
    return key


def _create_key_file(path: Path) -> bytes:
    """Create the key file exclusively (mode 0600); if another process won the race, read its key."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _parse_hex(path.read_text(encoding="ascii"), str(path))
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
    return key
