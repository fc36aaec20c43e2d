"""The detector table: every detector in the order that resolves overlapping claims."""

from __future__ import annotations

from collections.abc import Sequence

from cloudward.secrets.detectors.base import CRITICAL, HIGH, MEDIUM, Detector, Trigger
from cloudward.secrets.detectors.generic import (
    _GENERIC_PASSWORD,
    _GENERIC_SECRET,
    _PASSWORD_KW,
    _PASSWORD_WORDS,
    _SECRET_KW,
    _SECRET_WORDS,
    _generic_passwords,
    _generic_secrets,
    _generic_triggers,
)
from cloudward.secrets.detectors.structured import (
    _PEM_MAX,
    _aws_key_ids,
    _aws_secret_keys,
    _aws_session_tokens,
    _azure_storage_keys,
    _connection_strings,
    _gcp_service_accounts,
    _github_tokens,
    _gitlab_tokens,
    _google_keys,
    _pair_aws,
    _private_keys,
    _slack_tokens,
    _slack_webhooks,
    _stripe_keys,
)
from cloudward.secrets.detectors.transit import _basic_auth, _bearer_tokens, _jwts, _url_passwords

# ----------------------------------------------------------------------------------------------------------
# The table
# ----------------------------------------------------------------------------------------------------------

DETECTORS: tuple[Detector, ...] = (
    Detector(
        "gcp-service-account",
        "Google Cloud service account key (JSON with a private key)",
        CRITICAL,
        (
            Trigger(
                rb"[\"']private_key[\"']\s{0,4}:\s{0,4}[\"']-----BEGIN",
                (b"private_key",),
                before=64,
                after=12288,
                multiline=True,
            ),
        ),
        _gcp_service_accounts,
    ),
    Detector(
        "private-key",
        "Private key (PEM, OpenSSH or PuTTY)",
        HIGH,
        (
            Trigger(
                rb"-----BEGIN[A-Z0-9 ]{0,30}PRIVATE KEY", (b"-----begin",), before=64, after=_PEM_MAX, multiline=True
            ),
            Trigger(rb"PuTTY-User-Key-File-\d", (b"putty-user-key-file-",), before=64, after=_PEM_MAX, multiline=True),
        ),
        _private_keys,
    ),
    Detector(
        "aws-access-key",
        "AWS access key id",
        HIGH,
        (Trigger(rb"(?:AKIA|ASIA)[A-Z2-7]{16}", (b"akia", b"asia"), before=64, after=64),),
        _aws_key_ids,
        _pair_aws,
    ),
    Detector(
        "aws-session-token",
        "AWS session token",
        HIGH,
        (
            Trigger(
                rb"FwoGZXIvYXdz|FQoGZXIvYXdz|IQoJb3JpZ2lu|AgoJb3JpZ2lu|AQoDYXdz",
                (b"fwogzxivyxdz", b"fqogzxivyxdz", b"iqojb3jpz2lu", b"agojb3jpz2lu", b"aqodyxdz"),
                before=128,
                after=4096,
            ),
            Trigger(rb"(?:session|security)[_.-]?token", (b"token",), caseless=True, before=64, after=4096),
        ),
        _aws_session_tokens,
    ),
    Detector(
        "aws-secret-key",
        "AWS secret access key",
        HIGH,
        (
            Trigger(
                rb"aws[\w.-]{0,20}secret|secret[_.-]?access[_.-]?key", (b"secret",), caseless=True, before=64, after=256
            ),
        ),
        _aws_secret_keys,
    ),
    Detector(
        "github-token",
        "GitHub token",
        HIGH,
        (
            Trigger(
                rb"gh[pousr]_[A-Za-z0-9]{36}", (b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_"), before=128, after=4096
            ),
            Trigger(rb"github_pat_[A-Za-z0-9]{22}_", (b"github_pat_",), before=128, after=4096),
        ),
        _github_tokens,
    ),
    Detector(
        "gitlab-token",
        "GitLab token",
        HIGH,
        (
            Trigger(
                rb"(?:glpat|gldt|glrt|glptt|glcbt|gloas|glsoat|glffct|glimt|glagent|glwt)-[A-Za-z0-9_-]{20}",
                tuple(
                    p + b"-" for p in (b"glpat", b"gldt", b"glrt", b"glptt", b"glcbt", b"gloas", b"glsoat", b"glffct")
                ),
                before=128,
                after=4096,
            ),
            Trigger(
                rb"(?:glimt|glagent|glwt)-[A-Za-z0-9_-]{20}", (b"glimt-", b"glagent-", b"glwt-"), before=128, after=4096
            ),
            Trigger(rb"GR1348941[A-Za-z0-9_-]{20}", (b"gr1348941",), before=128, after=4096),
        ),
        _gitlab_tokens,
    ),
    Detector(
        "slack-webhook",
        "Slack incoming webhook URL",
        MEDIUM,
        (
            Trigger(
                rb"hooks\.slack\.com/(?:services|workflows|triggers)/", (b"hooks.slack.com/",), before=64, after=512
            ),
        ),
        _slack_webhooks,
    ),
    Detector(
        "slack-token",
        "Slack token",
        HIGH,
        (Trigger(rb"xox[abposre][.-]|xapp-\d-", (b"xox", b"xapp-"), before=128, after=4096),),
        _slack_tokens,
    ),
    Detector(
        "stripe-key",
        "Stripe secret or restricted key",
        HIGH,
        (
            Trigger(
                rb"[sr]k_(?:live|test)_[A-Za-z0-9]{20}",
                (b"sk_live_", b"sk_test_", b"rk_live_", b"rk_test_"),
                before=128,
                after=4096,
            ),
        ),
        _stripe_keys,
    ),
    Detector(
        "google-api-key",
        "Google API key",
        HIGH,
        (Trigger(rb"AIza[0-9A-Za-z_-]{35}", (b"aiza",), before=128, after=4096),),
        _google_keys,
    ),
    Detector(
        "azure-storage-key",
        "Azure storage account key",
        CRITICAL,
        (
            Trigger(rb"AccountKey\s{0,2}=", (b"accountkey",), caseless=True, before=64, after=256),
            Trigger(
                rb"(?:storage|account)[_.-]?(?:account[_.-]?)?(?:access[_.-]?)?key",
                (b"storage", b"account"),
                caseless=True,
                after=256,
            ),
        ),
        _azure_storage_keys,
    ),
    Detector(
        "azure-connection-string",
        "Connection string with a password or shared access key",
        HIGH,
        (
            Trigger(
                rb"SharedAccess(?:Key|Signature)\s{0,2}=", (b"sharedaccess",), caseless=True, before=1024, after=1024
            ),
            Trigger(
                rb"(?:^|[;\"'{])\s{0,2}(?:Password|Pwd)\s{0,2}=",
                (b"password", b"pwd"),
                caseless=True,
                before=1024,
                after=1024,
            ),
        ),
        _connection_strings,
    ),
    Detector(
        "jwt",
        "JSON Web Token",
        MEDIUM,
        (Trigger(rb"eyJ[A-Za-z0-9_-]{8,}\.eyJ", (b"eyj",), before=4096, after=16384),),
        _jwts,
    ),
    Detector(
        "url-password",
        "Password in a URL",
        HIGH,
        (Trigger(rb"://[^\s:@/'\"<>`]{0,64}:[^\s@/'\"<>`]{1,128}@", (b"://",), before=256, after=512),),
        _url_passwords,
    ),
    Detector(
        "basic-auth",
        "HTTP Basic credentials",
        HIGH,
        (Trigger(rb"\bbasic[ \t]{1,4}[A-Za-z0-9+/]{8}", (b"basic",), caseless=True, before=128, after=1024),),
        _basic_auth,
    ),
    Detector(
        "bearer-token",
        "HTTP Bearer token",
        HIGH,
        (Trigger(rb"\bbearer[ \t]{1,4}[A-Za-z0-9._~+/-]{16}", (b"bearer",), caseless=True, before=128, after=4096),),
        _bearer_tokens,
    ),
    Detector(
        _GENERIC_PASSWORD,
        "Password assigned in plaintext",
        HIGH,
        (
            *_generic_triggers(_PASSWORD_KW, _PASSWORD_WORDS),
            # .netrc: machine host login user password value
            Trigger(
                rb"(?:\blogin\s{1,4}\S{1,128}\s{1,4}|\n[ \t]{0,16})password[ \t]{1,4}\S", (b"password",), caseless=True
            ),
            Trigger(rb"identified\s{1,4}by\s{1,4}[\"']", (b"identified",), caseless=True),
            Trigger(rb"(?:\bauth\s{0,3}=\s{0,3}\(|BasicAuth\(|DigestAuth\()\s{0,3}[\"']", (b"auth",), caseless=True),
        ),
        _generic_passwords,
    ),
    Detector(
        _GENERIC_SECRET,
        "Secret, token or API key assigned in plaintext",
        HIGH,
        _generic_triggers(_SECRET_KW, _SECRET_WORDS),
        _generic_secrets,
    ),
)
"""All detectors, most specific first (the order resolves overlapping claims)."""

DETECTOR_IDS: tuple[str, ...] = tuple(d.id for d in DETECTORS)


def detector(detector_id: str) -> Detector:
    """The detector with this id.

    Raises:
        KeyError: For an unknown id.
    """
    for d in DETECTORS:
        if d.id == detector_id:
            return d
    raise KeyError(detector_id)


def all_triggers(detectors: Sequence[Detector] = DETECTORS) -> list[tuple[int, Trigger]]:
    """Every trigger with the index of its detector, in table order."""
    return [(index, trigger) for index, d in enumerate(detectors) for trigger in d.keywords]
