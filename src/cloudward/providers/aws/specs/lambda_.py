"""Lambda: functions (environment values redacted at collection) and their function URL.

Environment variable values never leave the collector. Each variable is kept as its length and the
kind of credential its value looks like (:func:`credential_kind`), judged while the value is still in
memory; neither the value, nor a prefix, nor a hash of it is stored.
"""

from __future__ import annotations

import json
import re
from itertools import pairwise
from typing import Any

from cloudward.providers.aws.spec import Call, Item, Listing, ResourceSpec, Scope

# Values whose shape alone identifies a live credential. Order matters: the first match names the kind.
CREDENTIAL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("aws-access-key-id", re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")),
    ("github-token", re.compile(r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})")),
    ("slack-token", re.compile(r"(?<![A-Za-z0-9])xox[abp]-[A-Za-z0-9-]{10,}")),
    ("stripe-live-secret-key", re.compile(r"(?<![A-Za-z0-9])sk_live_[A-Za-z0-9]{16,}")),
    ("private-key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")),
    # scheme://user:password@host, unless the password is a ${...} or {{...}} placeholder
    ("password-in-url", re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:(?!\$\{|\{\{)[^/\s@]+@", re.IGNORECASE)),
)
GENERIC_SECRET = "generic-secret"
"""The kind for a literal value under a name that says it is a secret (``DB_PASSWORD``, ``API_TOKEN``)."""

SECRET_NAME_WORDS = ("password", "passwd", "passphrase", "secret", "token", "apikey", "privatekey")
# A name ending in one of these holds something about a secret (where it is, how long it lives), not the secret.
METADATA_NAME_SUFFIXES = frozenset(
    {"arn", "url", "uri", "endpoint", "name", "id", "path", "file", "dir", "region", "type", "ttl", "timeout"}
    | {"header", "length", "version", "enabled", "mode", "expiry", "expiration", "lifetime"}
)
# Values that point to a secret stored elsewhere, resolved at deploy or run time.
REFERENCE_PREFIXES = ("arn:", "ssm:", "secretsmanager:", "{{resolve:", "${", "/aws/reference/")
MIN_GENERIC_SECRET_LENGTH = 8
_NAME_PARTS = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
_PLAIN_URL = re.compile(r"^[a-z][a-z0-9+.-]*://[^@\s]*$", re.IGNORECASE)
# A KMS ciphertext blob (client-side encryption helpers): base64 of a versioned binary header.
_KMS_CIPHERTEXT = re.compile(r"^AQ[A-Za-z0-9+/]{100,}={0,2}$")


def _secret_name(name: str) -> bool:
    parts = [part.lower() for part in _NAME_PARTS.split(name) if part]
    if not parts or parts[-1] in METADATA_NAME_SUFFIXES:
        return False
    joined = [a + b for a, b in pairwise(parts)]
    return any(part.endswith(SECRET_NAME_WORDS) for part in parts + joined)


def _literal_secret_value(value: str) -> bool:
    text = value.strip()
    if len(text) < MIN_GENERIC_SECRET_LENGTH or text.lower().startswith(REFERENCE_PREFIXES):
        return False
    return not (text.isdigit() or _PLAIN_URL.match(text) or _KMS_CIPHERTEXT.match(text))


def credential_kind(name: str, value: str) -> str | None:
    """The kind of credential an environment variable holds in plain text, or None.

    High-confidence only. By value: an AWS access key id (``AKIA``/``ASIA`` and 16 more characters), a
    GitHub token (``ghp_``, ``gho_``, ``ghu_``, ``ghs_``, ``ghr_``, ``github_pat_``), a Slack token
    (``xoxa-``, ``xoxb-``, ``xoxp-``), a Stripe live secret key (``sk_live_``), a PEM private key header,
    or a URL with a password in it. By name: a variable whose name says it holds a password, passphrase,
    secret, token, API key or private key (``DB_PASSWORD``, ``apiToken``; not ``TOKEN_URL`` or
    ``SECRET_ARN``) with a literal value of 8 or more characters that is not a reference (``arn:``,
    ``ssm:``, ``{{resolve:...}}``, ``${...}``), a plain URL, a number or a KMS ciphertext blob.
    """
    for kind, pattern in CREDENTIAL_PATTERNS:
        if pattern.search(value):
            return kind
    if _secret_name(name) and _literal_secret_value(value):
        return GENERIC_SECRET
    return None


def redact_environment(item: Item) -> Item:
    """Keep environment variable names, never their values: a value may be a secret.

    Each value becomes ``{"length": N, "kind": K}`` before it reaches memory-held inventory, snapshots
    or reports: ``K`` is what :func:`credential_kind` found (``"aws-access-key-id"``, ``"generic-secret"``,
    ...) or None.
    """
    variables = (item.get("Environment") or {}).get("Variables")
    if not variables:
        return item
    redacted = {
        name: {"length": len(str(value)), "kind": credential_kind(str(name), str(value))}
        for name, value in variables.items()
    }
    return {**item, "Environment": {**item["Environment"], "Variables": redacted}}


def _function(item: Item, ctx: Any) -> dict[str, Any]:
    return {"FunctionName": item["FunctionName"]}


SPECS = (
    ResourceSpec(
        type="AWS::Lambda::Function",
        service="lambda",
        scope=Scope.REGIONAL,
        listing=Listing("list_functions", "lambda:ListFunctions", items=lambda p: p.get("Functions") or []),
        arn=lambda item, ctx: str(item["FunctionArn"]),
        name=lambda item: str(item["FunctionName"]),
        redact=redact_environment,
        supplements={
            "FunctionUrlConfig": Call(
                "get_function_url_config",
                "lambda:GetFunctionUrlConfig",
                params=_function,
                not_configured={"ResourceNotFoundException": None},
            ),
            "Policy": Call(
                "get_policy",
                "lambda:GetPolicy",
                params=_function,
                select=lambda r: json.loads(r["Policy"]),
                not_configured={"ResourceNotFoundException": None},
            ),
        },
    ),
)
