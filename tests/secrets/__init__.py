"""Fake credentials for the secrets tests, built at run time so no scanner flags this repository.

Every value is random (from a seeded generator, so failures reproduce) and shaped like the real thing:
right prefix, alphabet, length and, for GitHub, a valid checksum. None of them works anywhere.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import string

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from cloudward.secrets.detectors import base62_checksum

ALNUM = string.ascii_letters + string.digits
BASE32 = string.ascii_uppercase + "234567"
B64 = ALNUM + "+/"

_rng = random.Random(20261101)


def rand(n: int, alphabet: str = ALNUM) -> str:
    """``n`` random characters from ``alphabet``."""
    return "".join(_rng.choice(alphabet) for _ in range(n))


def aws_key_id(prefix: str = "AK" + "IA") -> str:
    """An access key id: prefix and 16 base32 characters."""
    return prefix + rand(16, BASE32)


def aws_secret() -> str:
    """A 40-character secret access key (mixed case, digits, / or +)."""
    while True:
        value = rand(40, B64)
        if any(c.isupper() for c in value) and any(c.islower() for c in value) and any(c.isdigit() for c in value):
            return value


def aws_session_token() -> str:
    """A session token with the modern STS prefix."""
    return "IQoJb3Jp" + "Z2lu" + rand(360, B64)


def github_token(kind: str = "ghp") -> str:
    """A classic GitHub token with a valid CRC32 checksum."""
    body = rand(30)
    return kind + "_" + body + base62_checksum(body.encode()).decode()


def github_token_bad_checksum() -> str:
    """Right shape, wrong checksum."""
    token = github_token()
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def github_pat() -> str:
    """A fine-grained personal access token."""
    return "github" + "_pat_" + rand(22) + "_" + rand(59)


def gitlab_token() -> str:
    """A GitLab personal access token."""
    return "gl" + "pat-" + rand(20, ALNUM + "_-")


def slack_token() -> str:
    """A Slack bot token."""
    return "xo" + "xb-" + rand(12, string.digits) + "-" + rand(13, string.digits) + "-" + rand(24)


def slack_webhook() -> str:
    """A Slack incoming webhook URL."""
    upper = string.ascii_uppercase + string.digits
    return "https://hooks.slack" + ".com/services/T" + rand(8, upper) + "/B" + rand(10, upper) + "/" + rand(24)


def stripe_key(mode: str = "live", kind: str = "sk") -> str:
    """A Stripe secret (sk) or restricted (rk) key."""
    return kind + "_" + mode + "_" + rand(24)


def google_api_key() -> str:
    """A Google API key."""
    return "AI" + "za" + rand(35, ALNUM + "_-")


def azure_storage_key() -> str:
    """An 88-character storage account key (base64 of 64 bytes)."""
    return base64.b64encode(_rng.randbytes(64)).decode()


def azure_sas_key() -> str:
    """A 44-character shared access key (base64 of 32 bytes)."""
    return base64.b64encode(_rng.randbytes(32)).decode()


def basic_credentials() -> str:
    """``user:password`` in base64, as an ``Authorization: Basic`` header carries it."""
    return base64.b64encode(("svc-" + rand(4, string.ascii_lowercase) + ":" + rand(16)).encode()).decode()


def password() -> str:
    """A human-looking but random password."""
    return rand(4, string.ascii_uppercase) + "-" + rand(6, string.ascii_lowercase) + "#" + rand(4, string.digits)


def token(n: int = 32) -> str:
    """A random API token."""
    return rand(n)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(alg: str = "HS256", claims: dict[str, object] | None = None) -> str:
    """A signed HS256 JSON Web Token (the signing key is random and discarded)."""
    header = _b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = _b64url(json.dumps(claims or {"sub": "svc-" + rand(8), "iat": 1767225600}).encode())
    signing_input = f"{header}.{payload}".encode()
    signature = _b64url(hmac.new(_rng.randbytes(32), signing_input, hashlib.sha256).digest())
    return f"{header}.{payload}.{signature}" if alg != "none" else f"{header}.{payload}."


def rsa_pem(traditional: bool = False) -> str:
    """A fresh RSA private key in PEM (PKCS#8, or PKCS#1 ``RSA PRIVATE KEY`` when traditional)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    fmt = serialization.PrivateFormat.TraditionalOpenSSL if traditional else serialization.PrivateFormat.PKCS8
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode()


def ec_pem() -> str:
    """A fresh P-256 private key (``EC PRIVATE KEY``)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode()


def openssh_key() -> str:
    """A fresh Ed25519 key in OpenSSH format."""
    key = ed25519.Ed25519PrivateKey.generate()
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
    ).decode()


def openssh_encrypted_key() -> str:
    """An OpenSSH-format key encrypted with aes256-ctr/bcrypt (random ciphertext: no bcrypt module needed)."""

    def string_field(data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + data

    blob = (
        b"openssh-key-v1\x00"
        + string_field(b"aes256-ctr")
        + string_field(b"bcrypt")
        + string_field(string_field(_rng.randbytes(16)) + (16).to_bytes(4, "big"))
        + (1).to_bytes(4, "big")
        + string_field(string_field(b"ssh-ed25519") + string_field(_rng.randbytes(32)))
        + string_field(_rng.randbytes(144))
    )
    text = base64.b64encode(blob).decode()
    lines = [text[i : i + 70] for i in range(0, len(text), 70)]
    return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END OPENSSH PRIVATE KEY-----\n"


def encrypted_pkcs8() -> str:
    """A fresh EC key in encrypted PKCS#8 (``ENCRYPTED PRIVATE KEY``)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"correct horse"),
    ).decode()


def putty_key() -> str:
    """A PuTTY v3 key file with random base64 key material."""
    public = [rand(64, B64) for _ in range(2)]
    private = [rand(64, B64) for _ in range(3)]
    return "\n".join(
        [
            "PuTTY-User-Key" + "-File-3: ssh-ed25519",
            "Encryption: none",
            "Comment: deploy@ci",
            f"Public-Lines: {len(public)}",
            *public,
            f"Private-Lines: {len(private)}",
            *private,
            "Private-MAC: " + rand(64, "0123456789abcdef"),
            "",
        ]
    )


def pem_body(pem: str) -> str:
    """The base64 body of a PEM block (what the scanner fingerprints)."""
    return "".join(line for line in pem.strip().splitlines() if not line.startswith("-----") and ":" not in line)


def gcp_service_account() -> tuple[str, str]:
    """A service-account key file and its PEM private key."""
    pem = rsa_pem()
    document = {
        "type": "service_account",
        "project_id": "demo-" + rand(6, string.ascii_lowercase),
        "private_key_id": rand(40, "0123456789abcdef"),
        "private_key": pem,
        "client_email": "ci@demo-project.iam.gserviceaccount.com",
        "client_id": rand(21, string.digits),
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    return json.dumps(document, indent=2), pem
