"""Each detector on true credentials in the formats they appear in, and on the look-alikes it must ignore.

Every case runs with both prefilters (hyperscan and the pure-``re`` fallback). Positives assert the detector,
the exact value (through ``matches``), and the line and column; negatives assert that nothing is reported at
the default confidence.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass

import pytest

from cloudward.secrets.detectors import (
    DETECTOR_IDS,
    DETECTORS,
    base62_checksum,
    classify_name,
    github_checksum_ok,
    score_generic,
)
from cloudward.secrets.detectors.base import NameKind
from cloudward.secrets.fingerprint import FingerprintKey
from cloudward.secrets.model import Confidence
from cloudward.secrets.scanner import SecretMatch, SecretScanner
from tests.secrets import (
    ALNUM,
    aws_key_id,
    aws_secret,
    aws_session_token,
    azure_sas_key,
    azure_storage_key,
    basic_credentials,
    ec_pem,
    encrypted_pkcs8,
    gcp_service_account,
    github_pat,
    github_token,
    github_token_bad_checksum,
    gitlab_token,
    google_api_key,
    jwt,
    openssh_encrypted_key,
    openssh_key,
    password,
    pem_body,
    putty_key,
    rand,
    rsa_pem,
    slack_token,
    slack_webhook,
    stripe_key,
    token,
)

KEY = FingerprintKey(bytes(range(32)))


@pytest.fixture(params=["hyperscan", "re"])
def scanner(request: pytest.FixtureRequest) -> SecretScanner:
    """A scanner with each prefilter."""
    return SecretScanner(KEY, prefilter=request.param)


@dataclass(frozen=True)
class Case:
    """A text with one credential at ``{v}``."""

    detector: str
    path: str
    template: str
    value: str

    @property
    def text(self) -> str:
        return self.template.replace("{v}", self.value)


def _everything(scanner: SecretScanner) -> SecretScanner:
    """A scanner like ``scanner`` that also reports LOW findings."""
    return SecretScanner(
        KEY, min_confidence=Confidence.LOW, prefilter="re" if scanner.prefilter == "re" else "hyperscan"
    )


def _matches(scanner: SecretScanner, text: str, path: str) -> list[SecretMatch]:
    return list(scanner.matches(text.encode(), path))


def _expected_position(text: str, value: str) -> tuple[int, int]:
    index = text.index(value)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


PASSWORD_CASES = [
    Case("generic-password", "deploy/.env", "APP_ENV=prod\nDB_PASSWORD={v}\n", password()),
    Case("generic-password", "config/settings.yaml", "db:\n  host: db.internal\n  password: {v}\n", password()),
    Case("generic-password", "config/settings.yaml", 'db:\n  password: "{v}"\n', password()),
    Case("generic-password", "config/app.json", '{"db": {"user": "app", "password": "{v}"}}\n', password()),
    Case("generic-password", "conf/app.ini", "[database]\nuser = app\npassword = {v}\n", password()),
    Case(
        "generic-password", "src/main/resources/application.properties", "spring.datasource.password={v}\n", password()
    ),
    Case("generic-password", "app/settings.py", 'DATABASE_PASSWORD = "{v}"\n', password()),
    Case("generic-password", "app/db.py", 'conn = connect(host="db", password="{v}")\n', password()),
    Case("generic-password", "app/db.py", 'password: str = "{v}"\n', password()),
    Case("generic-password", "web/src/config.js", "const dbPassword = '{v}';\n", password()),
    Case("generic-password", "web/src/config.ts", 'export const password: string = "{v}";\n', password()),
    Case("generic-password", "cmd/server/main.go", 'var password string = "{v}"\n', password()),
    Case("generic-password", "cmd/server/main.go", 'cfg := Config{Password: "{v}"}\n', password()),
    Case("generic-password", "src/main/java/App.java", 'private static final String PASSWORD = "{v}";\n', password()),
    Case("generic-password", "src/main/java/App.java", 'dataSource.setPassword("{v}");\n', password()),
    Case(
        "generic-password",
        "infra/rds.tf",
        'resource "aws_db_instance" "db" {\n  password       = "{v}"\n}\n',
        password(),
    ),
    Case("generic-password", "scripts/deploy.sh", 'export MYSQL_ROOT_PASSWORD="{v}"\n', password()),
    Case("generic-password", "Dockerfile", "FROM postgres:16\nENV POSTGRES_PASSWORD {v}\n", password()),
    Case("generic-password", "Web.config", '<appSettings>\n  <add key="DbPassword" value="{v}" />\n', password()),
    Case("generic-password", "settings.xml", "<server>\n  <password>{v}</password>\n</server>\n", password()),
    Case("generic-password", "k8s/deploy.yaml", '        - name: DB_PASSWORD\n          value: "{v}"\n', password()),
    Case("generic-password", "ecs/taskdef.json", '{"name": "DB_PASSWORD", "value": "{v}"}\n', password()),
    Case("generic-password", "ecs/taskdef.json", '      "name": "DB_PASSWORD",\n      "value": "{v}"\n', password()),
    Case("generic-password", "db/init.sql", "CREATE USER app IDENTIFIED BY '{v}';\n", password()),
    Case("generic-password", "app/client.py", 'requests.get(url, auth=("svc-user", "{v}"))\n', password()),
    Case("generic-password", "app/db.py", 'dsn = "dbname=app user=app password={v} host=db"\n', password()),
    Case("generic-password", "Makefile", "DB_PASSWORD ?= {v}\n", password()),
    Case("generic-password", "wp-config.php", "define( 'DB_PASSWORD', '{v}' );\n", password()),
    Case("generic-password", "home/.netrc", "machine git.corp.dev login deploy password {v}\n", password()),
    Case("generic-password", "docs/setup.md", "docker login registry.corp.dev -u ci --password '{v}'\n", password()),
    Case(
        "generic-password",
        "cfn/db.yaml",
        "Parameters:\n  MasterPassword:\n    Type: String\n    NoEcho: true\n    Default: '{v}'\nResources: {}\n",
        password(),
    ),
]

SECRET_CASES = [
    Case("generic-secret", "app/settings.py", 'SECRET_KEY = "{v}"\n', rand(50, ALNUM + "!@#%^&*(-_=+)")),
    Case("generic-secret", "config.yaml", "api_key: {v}\n", token()),
    Case("generic-secret", "config.json", '{"apiKey": "{v}"}\n', token()),
    Case("generic-secret", "web/app.js", "headers['X-Api-Key'] = '{v}';\n", token()),
    Case("generic-secret", "terraform.tfvars", 'datadog_api_key = "{v}"\n', rand(32, "0123456789abcdef")),
    Case("generic-secret", ".gitlab-ci.yml", "variables:\n  DEPLOY_TOKEN: {v}\n", token(24)),
    Case("generic-secret", "docker-compose.yml", "    environment:\n      - API_TOKEN={v}\n", token(40)),
    Case("generic-secret", "app/client.py", 'client = Client(api_key="{v}")\n', token()),
    Case("generic-secret", ".npmrc", "//registry.npmjs.org/:_authToken={v}\n", "npm_" + rand(36)),
    Case("generic-secret", "notebooks/x.ipynb", '    "os.environ[\\"OPENAI_API_KEY\\"] = \\"{v}\\"\\n",\n', token(48)),
    Case("generic-secret", "app/keys.py", "def signing_secret() -> str:\n    return '{v}'\n", token()),
    Case("generic-secret", "app/oauth.go", 'ClientSecret: "{v}",\n', token(40)),
]

STRUCTURED_CASES = [
    Case("aws-access-key", "scripts/run.sh", 'KEY_ID="{v}"\n', aws_key_id()),
    Case("aws-access-key", "config/sts.json", '{"AccessKeyId": "{v}"}\n', aws_key_id("AS" + "IA")),
    Case("aws-secret-key", "config/app.ini", "aws_secret_access_key = {v}\n", aws_secret()),
    Case("aws-session-token", ".aws/credentials", "[tmp]\naws_session_token = {v}\n", aws_session_token()),
    Case("github-token", ".env", "GITHUB_TOKEN={v}\n", github_token()),
    Case(
        "github-token", "ci/clone.sh", "git clone https://x-access-token:{v}@github.com/org/repo\n", github_token("ghs")
    ),
    Case("github-token", "README.md", "use `{v}` for the bot\n", github_token_bad_checksum()),
    Case("github-token", "config.yaml", "token: {v}\n", github_pat()),
    Case("gitlab-token", ".gitlab-ci.yml", "  script: curl -H 'PRIVATE-TOKEN: {v}' $API\n", gitlab_token()),
    Case("slack-token", "bot/config.py", 'SLACK_BOT_TOKEN = "{v}"\n', slack_token()),
    Case("slack-webhook", "alerts.yaml", "webhook_url: {v}\n", slack_webhook()),
    Case("stripe-key", "payments/settings.py", 'stripe.api_key = "{v}"\n', stripe_key()),
    Case("stripe-key", ".env", "STRIPE_RESTRICTED={v}\n", stripe_key(kind="rk")),
    Case(
        "google-api-key",
        "web/index.html",
        '<script src="https://maps.googleapis.com/maps/api/js?key={v}">\n',
        google_api_key(),
    ),
    Case(
        "azure-storage-key",
        "app/appsettings.json",
        '"Storage": "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={v};EndpointSuffix=core.windows.net"\n',
        azure_storage_key(),
    ),
    Case("azure-storage-key", ".env", "AZURE_STORAGE_KEY={v}\n", azure_storage_key()),
    Case(
        "azure-connection-string",
        "appsettings.json",
        '"Bus": "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey={v}"\n',
        azure_sas_key(),
    ),
    Case(
        "azure-connection-string",
        "Web.config",
        '<add name="Db" connectionString="Server=tcp:db.database.windows.net,1433;Initial Catalog=app;'
        'User ID=app;Password={v};Encrypt=True;" />\n',
        password(),
    ),
    Case("jwt", "api/client.py", 'SERVICE_JWT = "{v}"\n', jwt()),
    Case("url-password", ".env", "DATABASE_URL=postgres://app:{v}@db.internal:5432/app\n", rand(20)),
    Case("url-password", "config.yaml", "broker: amqps://svc:{v}@mq.internal:5671/vhost\n", rand(16)),
    Case("url-password", "app/cache.py", 'REDIS = "redis://:{v}@cache.internal:6379/0"\n', rand(24)),
    Case(
        "url-password",
        "app/db.js",
        "mongoose.connect('mongodb+srv://app:{v}@cluster0.ab1cd.mongodb.net/app')\n",
        rand(18),
    ),
    Case(
        "basic-auth",
        "scripts/call.sh",
        'curl -H "Authorization: Basic {v}" https://api.internal\n',
        basic_credentials(),
    ),
    Case("bearer-token", "scripts/call.sh", 'curl -H "Authorization: Bearer {v}" https://api.internal\n', token(40)),
]

ALL_CASES = PASSWORD_CASES + SECRET_CASES + STRUCTURED_CASES


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: f"{c.detector}:{c.path}:{c.template[:30]}")
def test_detects_credential_with_position(scanner: SecretScanner, case: Case) -> None:
    found = _matches(scanner, case.text, case.path)
    hits = [m for m in found if m.value == case.value.encode()]
    assert [m.finding.detector for m in hits] == [case.detector], [m.finding.detector for m in found]
    finding = hits[0].finding
    assert (finding.line, finding.column) == _expected_position(case.text, case.value)
    assert finding.confidence in (Confidence.HIGH, Confidence.MEDIUM)
    assert finding.length == len(case.value)
    assert finding.fingerprint == KEY.fingerprint(case.value)
    assert len(found) == 1, [m.finding.detector for m in found]


def test_every_detector_has_a_positive_case() -> None:
    covered = {c.detector for c in ALL_CASES} | {"gcp-service-account", "private-key"}
    assert covered == set(DETECTOR_IDS)


LOOKALIKES = [
    (".env.example", "DB_PASSWORD=changeme\n"),
    (".env", "DB_PASSWORD=\n"),
    ("config.yaml", "password: <password>\n"),
    ("config.yaml", "password: ${DB_PASSWORD}\n"),
    ("config.yaml", 'password: "{{ .Values.db.password }}"\n'),
    ("ci.yml", "    token: ${{ secrets.GITHUB_TOKEN }}\n"),
    ("app.py", "password = os.environ['DB_PASSWORD']\n"),
    ("app.py", 'password = os.environ.get("DB_PASSWORD")\n'),
    ("app.js", "const token = process.env.API_TOKEN;\n"),
    ("app.py", "password = get_password()\n"),
    ("app.py", 'PASSWORD_RESET_URL = "/accounts/password/reset/"\n'),
    ("app.py", "password_hash = '$2b$12$" + rand(53, ALNUM + "./") + "'\n"),
    ("app.py", 'api_key_id = "' + rand(20) + '"\n'),
    ("main.tf", "  password = var.db_password\n"),
    ("main.tf", "  password = random_password.db.result\n"),
    ("config.yaml", "api_key: your-api-key-here\n"),
    ("config.yaml", "secret: xxxxxxxxxxxxxxxx\n"),
    ("config.yaml", 'password: "********"\n'),
    ("settings.py", "SECRET_KEY = 'example-secret-key-for-docs'\n"),
    ("config.yaml", "api_key: 123e4567-e89b-12d3-a456-426614174000\n"),
    ("checks.py", "sha256_hash = '" + rand(64, "0123456789abcdef") + "'\n"),
    ("legacy.py", "md5_password = '" + rand(32, "0123456789abcdef") + "'\n"),
    ("tokenizer.py", 'eos_token = "</s>"\npad_token = "[PAD]"\n'),
    ("api.json", '{"NextToken": "' + rand(40) + '"}\n'),
    ("app.py", 'password = "%(password)s"\n'),
    ("app.py", 'password = f"{prefix}{suffix}"\n'),
    ("vars.yml", "password: !vault |\n          $ANSIBLE_VAULT;1.1;AES256\n"),
    ("cfn.yaml", "      MasterUserPassword: !Ref DbPassword\n"),
    ("cfn.yaml", "      MasterUserPassword: '{{resolve:secretsmanager:prod/db:SecretString:password}}'\n"),
    ("config.yaml", "db_password: ssm:/prod/db/password\n"),
    ("config.yaml", "secret_arn: arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf\n"),
    ("i18n/en.json", '{"password": "Password", "passwordPlaceholder": "Enter your password"}\n'),
    ("README.md", 'Set `password = "P@ssw0rd"` in the config.\n'),
    ("app.py", 'password = "password123"\n'),
    ("app.py", 'if token == "null":\n'),
    ("docs.md", "pass the --password flag to the tool\n"),
    ("config.yaml", "auth: true\ntoken_expiry: 3600\n"),
    ("secret.yaml", "secretName: my-db-credentials\nexistingSecret: db-credentials\n"),
    ("login.html", '<input type="password" name="password" autocomplete="current-password">\n'),
    ("sealed.yaml", "spec:\n  encryptedData:\n    password: Ag" + rand(300, ALNUM + "+/") + "\n"),
    ("secrets.enc.yaml", "db:\n    password: ENC[AES256_GCM,data:" + rand(20) + ",iv:" + rand(43) + "=,type:str]\n"),
    ("check.log", "PASS: gdb.base/break.exp: run until function breakpoint\n"),
    ("schema.json", '"pattern": "^arn:aws:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[a-zA-Z0-9/_+=.@-]+$"\n'),
    ("guide.md", "const aliceSecret = alice.computeSecret(bobKey);\n"),
    # structured look-alikes
    (
        "docs/aws.md",
        "aws_access_key_id = AKIA"
        + "IOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY"
        + "EXAMPLEKEY\n",
    ),
    ("ids.txt", "AKIA" + rand(16, "0123456789ABCDEF") + "189\n"),
    ("blob.txt", "data: x" + "AKIA" + rand(16, string.ascii_uppercase) + "Qz\n"),
    (
        "iam.json",
        '{"UserId": "AIDA'
        + rand(16, string.ascii_uppercase + "234567")
        + '", "RoleId": "AROA'
        + rand(16, string.ascii_uppercase)
        + '"}\n',
    ),
    ("README.md", "GITHUB_TOKEN=ghp_" + "x" * 36 + "\n"),
    ("README.md", "token: gho_16C7e42F292c6912E7710c838347Ae178B4a\n"),
    ("maps.html", "key=AIza" + "X" * 35 + "\n"),
    ("crypto.py", 'PEM_HEADER = "-----BEGIN RSA PRIVATE KEY-----"\nPEM_FOOTER = "-----END RSA PRIVATE KEY-----"\n'),
    ("docs/keys.md", "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n"),
    ("docs/keys.md", "-----BEGIN PRIVATE KEY-----\n<your key here>\n-----END PRIVATE KEY-----\n"),
    ("auth.md", "curl -H 'Authorization: Bearer <token>' https://api\nAuthorization: Bearer ${TOKEN}\n"),
    ("auth.md", "Basic usage: see the Bearer token section.\n"),
    ("auth.md", "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\n"),
    ("auth.md", "Authorization: Basic dXNlcjpwYXNzd29yZA==\n"),
    (
        "jwt.md",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\n",
    ),
    (
        "urls.txt",
        "https://user@github.com/org/repo\npostgres://user:password@localhost/db\npostgres://app:${DB_PASS}@db/app\n",
    ),
    ("urls.txt", "cvs://:pserver:anoncvs@sources.example.org:/cvs/src\n"),
    ("slack.md", "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX\n"),
    ("docs.md", "export GITHUB_TOKEN=ghp_1a2B3c4D5eXXXXXXXXXXXXXXXX7g8H9i0J1k\n"),  # redacted in the middle
    ("stripe.js", "Stripe('pk_live_" + rand(24) + "');\n"),
    ("slack.md", "SLACK_TOKEN=xoxb-your-token-here-please\n"),
]


@pytest.mark.parametrize("case", LOOKALIKES, ids=lambda c: f"{c[0]}:{c[1][:40]}")
def test_ignores_lookalikes(scanner: SecretScanner, case: tuple[str, str]) -> None:
    path, text = case
    assert [f.detector for f in scanner.scan_bytes(text.encode(), path)] == []


def test_unsigned_jwt_is_not_a_credential(scanner: SecretScanner) -> None:
    assert scanner.scan_bytes(("t = '" + jwt(alg="none") + "'\n").encode(), "a.py") == []


@pytest.mark.parametrize(
    "path",
    ["tests/fixtures/app.env", "src/__tests__/config.js", "pkg/db/db_test.go", "web/app.spec.ts", "test/conf.yaml"],
)
def test_generic_findings_in_test_fixtures_are_low(scanner: SecretScanner, path: str) -> None:
    value = password()
    text = f'DB_PASSWORD = "{value}"\n'.encode()
    assert scanner.scan_bytes(text, path) == []
    [finding] = _everything(scanner).scan_bytes(text, path)
    assert (finding.detector, finding.confidence) == ("generic-password", Confidence.LOW)
    # a structured token stays reported in a test path
    assert [f.detector for f in scanner.scan_bytes(f"t = '{github_token()}'\n".encode(), path)] == ["github-token"]


def test_test_named_values_are_low(scanner: SecretScanner) -> None:
    assert scanner.scan_bytes(f'fake_password = "{password()}"\n'.encode(), "app/config.py") == []
    [finding] = _everything(scanner).scan_bytes(f'fake_password = "{password()}"\n'.encode(), "app/config.py")
    assert finding.confidence is Confidence.LOW


def test_stripe_test_keys_only_at_low(scanner: SecretScanner) -> None:
    text = f"STRIPE_KEY={stripe_key(mode='test')}\n".encode()
    assert scanner.scan_bytes(text, ".env") == []
    [finding] = _everything(scanner).scan_bytes(text, ".env")
    assert (finding.detector, finding.severity, finding.extra["mode"]) == ("stripe-key", "low", "test")


# ---- AWS pairing ------------------------------------------------------------------------------------------


def test_credentials_file_pairs_key_with_secret(scanner: SecretScanner) -> None:
    key_id, secret = aws_key_id(), aws_secret()
    text = f"[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\nregion = eu-west-1\n"
    [match] = _matches(scanner, text, "home/.aws/credentials")
    finding = match.finding
    assert finding.detector == "aws-access-key"
    assert (finding.severity, finding.confidence, finding.extra["paired"]) == ("critical", Confidence.HIGH, True)
    assert (finding.line, finding.column, finding.context) == (2, 21, "aws_access_key_id")
    assert (match.value, match.partner) == (key_id.encode(), secret.encode())
    assert finding.title == "AWS access key id with its secret access key"


def test_create_access_key_output_pairs_in_json(scanner: SecretScanner) -> None:
    key_id, secret = aws_key_id(), aws_secret()
    document = {
        "AccessKey": {
            "UserName": "deploy",
            "AccessKeyId": key_id,
            "Status": "Active",
            "SecretAccessKey": secret,
            "CreateDate": "2026-01-02T03:04:05Z",
        }
    }
    [match] = _matches(scanner, json.dumps(document, indent=4), "out/key.json")
    assert match.finding.extra["paired"] is True and match.partner == secret.encode()


def test_unlabelled_secret_pairs_only_when_near(scanner: SecretScanner) -> None:
    key_id, secret = aws_key_id(), aws_secret()
    near = f"id: {key_id}\nfoo: 1\n{secret}\n"
    [match] = _matches(scanner, near, "notes.txt")
    assert match.partner == secret.encode()
    far = f"id: {key_id}\n" + "filler line\n" * 12 + f"{secret}\n"
    [match] = _matches(scanner, far, "notes.txt")
    assert match.partner is None and match.finding.extra["paired"] is False
    assert match.finding.severity == "high"


def test_labelled_secret_pairs_within_the_block(scanner: SecretScanner) -> None:
    key_id, secret = aws_key_id(), aws_secret()
    text = f"access_key: {key_id}\n" + "# comment\n" * 12 + f"secret_access_key: {secret}\n"
    [match] = _matches(scanner, text, "conf.yaml")
    assert match.partner == secret.encode()


def test_two_profiles_pair_each_key_with_its_own_secret(scanner: SecretScanner) -> None:
    (k1, s1), (k2, s2) = (aws_key_id(), aws_secret()), (aws_key_id(), aws_secret())
    text = (
        f"[a]\naws_access_key_id = {k1}\naws_secret_access_key = {s1}\n"
        f"[b]\naws_access_key_id = {k2}\naws_secret_access_key = {s2}\n"
    )
    pairs = {(m.value, m.partner) for m in _matches(scanner, text, ".aws/credentials")}
    assert pairs == {(k1.encode(), s1.encode()), (k2.encode(), s2.encode())}


def test_git_sha_next_to_key_is_not_its_secret(scanner: SecretScanner) -> None:
    text = f"key = {aws_key_id()}\ncommit = {rand(40, '0123456789abcdef')}\n"
    [match] = _matches(scanner, text, "notes.txt")
    assert match.partner is None


def test_secret_without_key_id_is_aws_secret_key(scanner: SecretScanner) -> None:
    secret = aws_secret()
    [finding] = scanner.scan_bytes(f'export AWS_SECRET_ACCESS_KEY="{secret}"\n'.encode(), "env.sh")
    assert (finding.detector, finding.context) == ("aws-secret-key", "AWS_SECRET_ACCESS_KEY")


# ---- multi-line credentials -------------------------------------------------------------------------------


PRIVATE_KEYS = {
    "pkcs8-rsa": rsa_pem,
    "pkcs1-rsa": lambda: rsa_pem(traditional=True),
    "ec": ec_pem,
    "openssh-ed25519": openssh_key,
}


@pytest.mark.parametrize("kind", sorted(PRIVATE_KEYS))
def test_private_keys(scanner: SecretScanner, kind: str) -> None:
    pem = PRIVATE_KEYS[kind]()
    text = "# deploy key\n" + pem
    [match] = _matches(scanner, text, "keys/deploy.pem")
    finding = match.finding
    assert (finding.detector, finding.line, finding.column) == ("private-key", 2, 1)
    assert match.value == pem_body(pem).encode()
    assert finding.extra.get("encrypted") in (False, None)
    assert finding.severity == "high"


def test_private_key_escaped_in_json_string_has_the_same_fingerprint(scanner: SecretScanner) -> None:
    pem = rsa_pem()
    [plain] = scanner.scan_bytes(pem.encode(), "key.pem")
    [escaped] = scanner.scan_bytes(json.dumps({"key": pem}).encode(), "key.json")
    assert plain.fingerprint == escaped.fingerprint


def test_encrypted_private_keys_are_medium_severity(scanner: SecretScanner) -> None:
    for pem in (encrypted_pkcs8(), openssh_encrypted_key()):
        [finding] = scanner.scan_bytes(pem.encode(), "k.pem")
        assert (finding.extra["encrypted"], finding.severity) == (True, "medium")


def test_putty_key(scanner: SecretScanner) -> None:
    [finding] = scanner.scan_bytes(putty_key().encode(), "keys/admin.ppk")
    assert (finding.detector, finding.line, finding.extra["encrypted"]) == ("private-key", 1, False)


def test_public_keys_and_certificates_are_ignored(scanner: SecretScanner) -> None:
    body = "\n".join(rand(64, ALNUM + "+/") for _ in range(6))
    text = f"-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n"
    text += f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"
    assert scanner.scan_bytes(text.encode(), "certs.pem") == []


def test_gcp_service_account_is_one_finding(scanner: SecretScanner) -> None:
    document, pem = gcp_service_account()
    [match] = _matches(scanner, document, "keys/sa.json")
    assert match.finding.detector == "gcp-service-account"
    assert match.value == pem_body(pem).encode()
    assert match.finding.line == document[: document.index('"private_key"')].count("\n") + 1


# ---- positions --------------------------------------------------------------------------------------------


def test_column_counts_characters_not_bytes(scanner: SecretScanner) -> None:
    value = password()
    text = f"# ünïcode 🙂 config\n\t\tmot_de_passe_ÿ = 1\nDB_PASSWORD = '{value}'  # ☃\n"
    [finding] = scanner.scan_bytes(text.encode(), "app.conf")
    assert (finding.line, finding.column) == (3, len("DB_PASSWORD = '") + 1)
    text2 = f"ключ: 1; password: '{value}'\n"
    [finding] = scanner.scan_bytes(text2.encode(), "app.yaml")
    assert finding.column == text2.index(value) + 1


def test_several_findings_keep_file_order_and_lines(scanner: SecretScanner) -> None:
    values = [github_token(), google_api_key(), password()]
    text = f"a = '{values[0]}'\n\n\nb = '{values[1]}'\n" + "x = 1\n" * 50 + f"db_password = '{values[2]}'\n"
    found = _matches(scanner, text, "app.py")
    assert [m.value.decode() for m in found] == values
    assert [m.finding.line for m in found] == [1, 4, 55]


def test_crlf_line_endings(scanner: SecretScanner) -> None:
    value = token()
    text = f"a=1\r\nb=2\r\napi_key={value}\r\n"
    [finding] = scanner.scan_bytes(text.encode(), "x.env")
    assert (finding.line, finding.column) == (3, 9)
    assert finding.length == len(value)


# ---- building blocks --------------------------------------------------------------------------------------


def test_github_checksum() -> None:
    body = rand(30).encode()
    good = b"ghp_" + body + base62_checksum(body)
    assert github_checksum_ok(good)
    assert not github_checksum_ok(good[:-1] + (b"A" if good[-1:] != b"A" else b"B"))
    assert not github_checksum_ok(b"ghp_" + body)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("DB_PASSWORD", "password"),
        ("spring.datasource.password", "password"),
        ("dbPassword", "password"),
        ("passwd", "password"),
        ("smtp_pass", "password"),
        ("password2", "password"),
        ("clientSecret", "secret"),
        ("X-Api-Key", "secret"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("secret_key_base", "secret"),
        ("_authToken", "secret"),
        ("password_reset_url", None),
        ("api_key_id", None),
        ("tokenizer", None),
        ("eos_token", None),
        ("NextToken", None),
        ("password_hash", None),
        ("PASS", None),
        ("bypass", None),
        ("primary_key", None),
        ("secretName", None),
    ],
)
def test_classify_name(name: str, kind: str | None) -> None:
    assert classify_name(name) == kind


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("hunter2-prod-9f3k", "password", Confidence.MEDIUM),
        ("Xk9#mP2$vL7q", "password", Confidence.MEDIUM),
        ("changeme", "password", None),
        ("P@ssw0rd123", "password", None),
        ("correcthorsebatterystaple", "password", None),
        ("short", "password", None),
        ("aB3dE5gH7jK9mN1pQ3sT5vW7", "secret", Confidence.MEDIUM),
        ("accessToken", "secret", None),
        ("0123456789abcdef", "secret", None),
        ("d41d8cd98f00b204e9800998ecf8427e", "secret", Confidence.MEDIUM),
        ("${API_KEY}", "secret", None),
        ("123e4567-e89b-12d3-a456-426614174000", "secret", None),
        ("/etc/ssl/private/key.pem", "secret", None),
        ("https://api.example.com/v1", "secret", None),
        ("true", "secret", None),
        ("aB3dE5gH7test9mN1pQ3sT5vW7", "secret", Confidence.LOW),
    ],
)
def test_score_generic(value: str, kind: NameKind, expected: Confidence | None) -> None:
    assert score_generic(value.encode(), kind) is expected


def test_detector_table_is_well_formed() -> None:
    assert len(DETECTOR_IDS) == len(set(DETECTOR_IDS)) == 19
    for detector in DETECTORS:
        assert detector.keywords and detector.title and detector.severity in ("critical", "high", "medium", "low")
