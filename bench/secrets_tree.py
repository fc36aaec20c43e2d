"""A seeded, mixed source tree for the secrets throughput benchmark (cached under ``bench/out/``).

The tree looks like a monorepo checkout of a few dozen services: Python, TypeScript/JavaScript, Go and Java
sources, YAML/JSON/INI configuration, Markdown docs, lockfiles full of integrity hashes, CI logs, one log
file larger than the scanner's 50 MB single-read limit, archives (``.zip``, ``.tar.gz``, one zip nested in a
tarball), binary assets, and vendored directories (``node_modules``, ``vendor``, ``dist``, ``.git``,
``.venv/.../site-packages``, ``__pycache__``) that a scanner skips by default. Code mentions ``token``,
``password``, ``secret`` and ``key`` as real code does (names, headers, lookups), and carries the usual
look-alikes (hex digests, UUIDs, base64 blobs); a few credentials are planted (fake, built at run time), about
one per few hundred files, and listed in the manifest.

``--size-mb`` sets the bytes a default scan reads (text outside vendored directories plus archive members,
uncompressed); vendored and binary files come on top. Usage: ``python bench/secrets_tree.py [--size-mb 220]``.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import io
import json
import shutil
import string
import tarfile
import time
import uuid
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TREE_VERSION = 2
"""Bumped whenever the content changes, so a cached tree of an older version is not reused."""
BIG_LOG_BYTES = 64 * 1024 * 1024
"""One log file above the scanner's default ``max_file_bytes`` (50 MB): scanned in chunks."""

WORDS = [
    "account",
    "order",
    "invoice",
    "customer",
    "payment",
    "refund",
    "ledger",
    "report",
    "export",
    "import",
    "batch",
    "queue",
    "worker",
    "job",
    "task",
    "schedule",
    "event",
    "message",
    "notify",
    "email",
    "sms",
    "webhook",
    "channel",
    "user",
    "group",
    "role",
    "policy",
    "permission",
    "session",
    "request",
    "response",
    "client",
    "server",
    "handler",
    "router",
    "service",
    "repository",
    "model",
    "schema",
    "record",
    "entry",
    "item",
    "cart",
    "price",
    "discount",
    "coupon",
    "tax",
    "shipping",
    "address",
    "region",
    "zone",
    "cluster",
    "node",
    "pod",
    "deploy",
    "release",
    "build",
    "artifact",
    "cache",
    "store",
    "bucket",
    "object",
    "blob",
    "file",
    "path",
    "config",
    "setting",
    "option",
    "flag",
    "feature",
    "metric",
    "counter",
    "gauge",
    "trace",
    "span",
    "log",
    "level",
    "retry",
    "backoff",
    "timeout",
    "limit",
    "quota",
    "page",
    "cursor",
    "offset",
    "filter",
    "sort",
    "search",
    "index",
    "query",
    "result",
    "status",
    "state",
    "error",
    "warning",
    "audit",
    "history",
    "snapshot",
    "version",
    "migration",
    "table",
    "column",
    "row",
    "field",
    "value",
    "name",
    "label",
    "tag",
    "owner",
    "tenant",
    "project",
    "team",
    "member",
    "invite",
    "profile",
    "avatar",
    "image",
    "thumbnail",
    "upload",
    "download",
    "stream",
    "buffer",
    "chunk",
    "frame",
    "packet",
    "socket",
    "connection",
    "pool",
    "driver",
    "adapter",
    "provider",
    "plugin",
]
ALNUM = string.ascii_letters + string.digits
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


@dataclass
class Planted:
    """A credential planted in the tree (its value is not kept)."""

    path: str
    line: int
    detector: str


@dataclass
class TreeManifest:
    """What the generated tree holds."""

    seed: int
    size_mb: int
    files: int = 0
    bytes_total: int = 0
    bytes_text: int = 0
    """Text outside vendored directories: what a default scan reads directly."""
    bytes_vendored: int = 0
    bytes_binary: int = 0
    bytes_archives: int = 0
    """Archive files on disk (compressed)."""
    bytes_archive_members: int = 0
    """Their text members, uncompressed: what a default scan reads inside them."""
    text_files: list[str] = field(default_factory=list)
    planted: list[Planted] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def bytes_scanned(self) -> int:
        """Bytes a default scan reads (text outside vendored directories and archive members)."""
        return self.bytes_text + self.bytes_archive_members


class Writer:
    """Random content for one tree."""

    def __init__(self, root: Path, seed: int, size_mb: int) -> None:
        """Write under ``root`` from ``seed`` until ``size_mb`` of scanned bytes exist."""
        self.root = root
        self.rng = Random(seed)
        self.manifest = TreeManifest(seed=seed, size_mb=size_mb)
        self.pools: dict[str, list[str]] = {}

    # ---- small random pieces
    def word(self) -> str:
        """One vocabulary word."""
        return self.rng.choice(WORDS)

    def snake(self) -> str:
        """A snake_case identifier."""
        return "_".join(self.word() for _ in range(self.rng.randint(1, 3)))

    def camel(self) -> str:
        """A camelCase identifier."""
        first, *rest = (self.word() for _ in range(self.rng.randint(1, 3)))
        return first + "".join(w.capitalize() for w in rest)

    def pascal(self) -> str:
        """A PascalCase identifier."""
        return "".join(self.word().capitalize() for _ in range(self.rng.randint(1, 3)))

    def sentence(self) -> str:
        """A short comment sentence."""
        return " ".join(self.word() for _ in range(self.rng.randint(4, 10))).capitalize() + "."

    def chars(self, alphabet: str, length: int) -> str:
        """Random characters."""
        return "".join(self.rng.choices(alphabet, k=length))

    def uuid(self) -> str:
        """A random UUID."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def sha(self) -> str:
        """A SHA-256 hex digest."""
        return hashlib.sha256(self.rng.randbytes(16)).hexdigest()

    # ---- chunk templates (one function, class, block or record each)
    def py_chunk(self) -> str:
        """A Python function or class."""
        name, var, arg = self.snake(), self.snake(), self.snake()
        kind = self.rng.choices(range(6), weights=(8, 8, 1, 5, 0.5, 4))[0]
        if kind == 0:
            return (
                f"def {name}({arg}: str, *, timeout: float = {self.rng.randint(1, 60)}.0) -> dict[str, Any]:\n"
                f'    """{self.sentence()}"""\n'
                f'    {var} = client.get(f"/v1/{self.word()}/{{{arg}}}", timeout=timeout)\n'
                f"    if {var}.status_code != {self.rng.choice((200, 201, 204))}:\n"
                f'        raise {self.pascal()}Error(f"{self.word()} failed: {{{var}.status_code}}")\n'
                f"    return {var}.json()\n\n\n"
            )
        if kind == 1:
            cls = self.pascal()
            fields = "".join(
                f"    {self.snake()}: {self.rng.choice(('str', 'int', 'float', 'bool', 'list[str]'))}\n"
                for _ in range(4)
            )
            return f'@dataclass(frozen=True)\nclass {cls}:\n    """{self.sentence()}"""\n\n{fields}\n\n'
        if kind == 2:
            return (
                f"def {name}(request: Request) -> Response:\n"
                f'    token = request.headers.get("Authorization", "").removeprefix("Bearer ")\n'
                f"    if not verify_token(token):\n"
                f"        return Response(status=401)\n"
                f'    {var} = {self.snake()}_repository.find(request.args["{self.word()}_id"])\n'
                f"    return Response(json.dumps({var}.to_dict()), status=200)\n\n\n"
            )
        if kind == 3:
            return (
                f"def test_{name}(client) -> None:\n"
                f'    response = client.post("/{self.word()}", json={{"{self.word()}": {self.rng.randint(1, 999)}}})\n'
                f"    assert response.status_code == 200\n"
                f'    assert response.json()["id"] == "{self.uuid()}"\n\n\n'
            )
        if kind == 4:
            return (
                f"def reset_password(user: User, new_password: str) -> None:\n"
                f'    """{self.sentence()}"""\n'
                f"    if len(new_password) < settings.PASSWORD_MIN_LENGTH:\n"
                f'        raise ValueError("password too short")\n'
                f"    user.password_hash = hasher.hash(new_password)\n"
                f"    {var}.save(user)\n\n\n"
            )
        return (
            f"{name.upper()} = {{\n"
            + "".join(f'    "{self.word()}": "{self.sha()[: self.rng.choice((8, 12, 40, 64))]}",\n' for _ in range(3))
            + "}\n\n"
        )

    def js_chunk(self) -> str:
        """A TypeScript/JavaScript function or component."""
        name, var = self.camel(), self.camel()
        kind = self.rng.choices(range(5), weights=(6, 6, 1, 5, 3))[0]
        if kind == 0:
            auth = "Authorization: `Bearer ${getToken()}`" if self.rng.random() < 0.15 else "Accept: 'application/json'"
            return (
                f"export async function {name}({var}: string): Promise<{self.pascal()}> {{\n"
                f"  const res = await fetch(`${{API_URL}}/{self.word()}/${{{var}}}`, {{\n"
                f"    headers: {{ {auth} }},\n"
                f"  }});\n"
                f"  if (!res.ok) throw new Error(`{self.word()} failed: ${{res.status}}`);\n"
                f"  return res.json();\n}}\n\n"
            )
        if kind == 1:
            comp = self.pascal()
            return (
                f"export function {comp}({{ {var} }}: {comp}Props) {{\n"
                f"  const [{self.camel()}, set{self.pascal()}] = useState<string | null>(null);\n"
                f'  return <div className="{self.word()}-{self.word()}">{{{var}.{self.camel()}}}</div>;\n}}\n\n'
            )
        if kind == 2:
            return (
                f"const {name} = {{\n"
                + "".join(f"  {self.camel()}: '{self.word()}-{self.rng.randint(1, 99)}',\n" for _ in range(4))
                + f"  apiKey: process.env.{self.snake().upper()}_API_KEY,\n}};\n\n"
            )
        if kind == 3:
            return (
                f"describe('{self.sentence()}', () => {{\n"
                f"  it('{self.sentence()}', async () => {{\n"
                f"    const result = await {name}('{self.uuid()}');\n"
                f"    expect(result.{self.camel()}).toBe({self.rng.randint(0, 100)});\n  }});\n}});\n\n"
            )
        return (
            f"export const {name.upper()}_ROUTES = [\n"
            + "".join(
                f"  {{ path: '/{self.word()}/:{self.camel()}', component: {self.pascal()} }},\n" for _ in range(3)
            )
            + "];\n\n"
        )

    def go_chunk(self) -> str:
        """A Go function or type."""
        name, var = self.pascal(), self.camel()
        if self.rng.random() < 0.5:
            return (
                f"// {name} {self.sentence().lower()}\n"
                f"func (s *Server) {name}(ctx context.Context, {var} string) (*{self.pascal()}, error) {{\n"
                f'\trow := s.db.QueryRowContext(ctx, "SELECT id, {self.snake()} FROM {self.snake()} WHERE id = $1",'
                f" {var})\n"
                f"\tvar out {self.pascal()}\n"
                f"\tif err := row.Scan(&out.ID, &out.{self.pascal()}); err != nil {{\n"
                f'\t\treturn nil, fmt.Errorf("{self.word()}: %w", err)\n\t}}\n'
                f"\treturn &out, nil\n}}\n\n"
            )
        fields = "".join(
            f'\t{self.pascal()} {self.rng.choice(("string", "int64", "bool", "time.Time"))} `json:"{self.snake()}"`\n'
            for _ in range(4)
        )
        extra = '\tToken string `json:"-"`\n' if self.rng.random() < 0.15 else ""
        return f"type {name} struct {{\n{fields}{extra}}}\n\n"

    def java_chunk(self) -> str:
        """A Java method."""
        name, var = self.camel(), self.camel()
        return (
            f"    /** {self.sentence()} */\n"
            f"    public {self.pascal()} {name}(String {var}) {{\n"
            f'        var request = HttpRequest.newBuilder(URI.create(baseUrl + "/{self.word()}/" + {var}))\n'
            + (
                '            .header("Authorization", "Bearer " + tokenProvider.get())\n'
                if self.rng.random() < 0.15
                else '            .header("Accept", "application/json")\n'
            )
            + f"            .timeout(Duration.ofSeconds({self.rng.randint(1, 30)}))\n"
            f"            .build();\n"
            f"        return mapper.readValue(http.send(request, ofString()).body(), {self.pascal()}.class);\n"
            f"    }}\n\n"
        )

    def yaml_chunk(self) -> str:
        """A YAML block (Kubernetes-ish)."""
        name = f"{self.word()}-{self.word()}"
        return (
            f"- name: {name}\n"
            f"  image: registry.internal/{name}@sha256:{self.sha()}\n"
            f"  env:\n"
            f"    - name: {self.snake().upper()}\n"
            f'      value: "{self.word()}"\n'
            + (
                "    - name: DB_PASSWORD\n      valueFrom:\n"
                f"        secretKeyRef: {{ name: {name}-db, key: password }}\n"
                if self.rng.random() < 0.2
                else f"    - name: {self.snake().upper()}_URL\n      value: http://{name}.svc:8080\n"
            )
            + f"  resources: {{ limits: {{ cpu: {self.rng.randint(1, 8)}00m, "
            f"memory: {self.rng.randint(1, 16)}Gi }} }}\n"
        )

    def json_chunk(self) -> str:
        """A JSON record (fixture data)."""
        record = {
            "id": self.uuid(),
            self.camel(): self.sentence(),
            self.camel(): self.rng.randint(0, 10**6),
            "checksum": self.sha(),
            "thumbnail": base64.b64encode(self.rng.randbytes(self.rng.randint(30, 90))).decode(),
            "tags": [self.word() for _ in range(3)],
        }
        return "  " + json.dumps(record) + ",\n"

    def md_chunk(self) -> str:
        """A Markdown section."""
        return (
            f"## {self.sentence()[:-1]}\n\n{' '.join(self.sentence() for _ in range(5))}\n\n```sh\n"
            + ('curl -H "Authorization: Bearer $TOKEN" ' if self.rng.random() < 0.2 else "curl -sf ")
            + f"https://api.internal/{self.word()}/{self.word()}\n```\n\n"
        )

    def lock_chunk(self) -> str:
        """A package-lock entry."""
        dep = f"{self.word()}-{self.word()}"
        ver = f"{self.rng.randint(0, 9)}.{self.rng.randint(0, 30)}.{self.rng.randint(0, 9)}"
        integrity = base64.b64encode(hashlib.sha512(self.rng.randbytes(8)).digest()).decode()
        return (
            f'    "node_modules/{dep}": {{\n      "version": "{ver}",\n'
            f'      "resolved": "https://registry.npmjs.org/{dep}/-/{dep}-{ver}.tgz",\n'
            f'      "integrity": "sha512-{integrity}",\n      "dev": true\n    }},\n'
        )

    def log_chunk(self) -> str:
        """A few application log lines."""
        return "".join(
            f"2026-03-{self.rng.randint(10, 28)}T{self.rng.randint(10, 23)}:{self.rng.randint(10, 59)}:"
            f"{self.rng.randint(10, 59)}.{self.rng.randint(100, 999)}Z "
            f"{self.rng.choice(('INFO', 'INFO', 'DEBUG', 'WARN'))} "
            f"request_id={self.uuid()} {self.word()}.{self.word()} status={self.rng.choice((200, 200, 201, 404, 500))} "
            f"ms={self.rng.randint(1, 900)} session={self.sha()[:32]}\n"
            for _ in range(4)
        )

    def pool(self, kind: str) -> list[str]:
        """Pre-rendered chunks of one kind (rendered once, reused in random order)."""
        if kind not in self.pools:
            make: Callable[[], str] = getattr(self, f"{kind}_chunk")
            self.pools[kind] = [make() for _ in range(2500)]
        return self.pools[kind]

    def body(self, kind: str, size: int) -> str:
        """About ``size`` characters of chunks of one kind."""
        pool = self.pool(kind)
        parts: list[str] = []
        total = 0
        while total < size:
            batch = self.rng.choices(pool, k=32)
            parts.extend(batch)
            total += sum(len(p) for p in batch)
        return "".join(parts)

    # ---- planted credentials (fake, built here)
    def plant(self) -> tuple[str, str]:
        """A credential line and its detector id."""
        kind = self.rng.randint(0, 5)
        if kind == 0:
            body = self.chars(B62, 30)
            checksum = ""
            number = zlib.crc32(body.encode())
            while number:
                number, rest = divmod(number, 62)
                checksum = B62[rest] + checksum
            return f'GITHUB_TOKEN = "ghp_{body}{checksum.rjust(6, "0")}"', "github-token"
        if kind == 1:
            return f'AWS_ACCESS_KEY_ID = "AKIA{self.chars(string.ascii_uppercase + "234567", 16)}"', "aws-access-key"
        if kind == 2:
            return f'DB_PASSWORD = "{self.chars(ALNUM + "!%*-_", 20)}"', "generic-password"
        if kind == 3:
            return f'DATABASE_URL = "postgres://app:{self.chars(ALNUM, 18)}@db.internal:5432/app"', "url-password"
        if kind == 4:
            return (
                f'SLACK_WEBHOOK = "https://hooks.slack.com/services/T{self.chars(string.ascii_uppercase, 8)}/'
                f'B{self.chars(string.ascii_uppercase, 10)}/{self.chars(ALNUM, 24)}"',
                "slack-webhook",
            )
        return f'STRIPE_KEY = "sk_live_{self.chars(ALNUM, 24)}"', "stripe-key"

    def with_plant(self, relative: str, text: str, probability: float) -> str:
        """``text`` with a planted credential line inserted at a line start, sometimes."""
        if self.rng.random() >= probability:
            return text
        cut = text.find("\n", self.rng.randint(0, max(0, len(text) - 1))) + 1
        line, detector = self.plant()
        self.manifest.planted.append(Planted(relative, text.count("\n", 0, cut) + 1, detector))
        return text[:cut] + line + "\n" + text[cut:]

    # ---- files
    def write(self, relative: str, data: bytes, category: str) -> None:
        """Write one file and account for it."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        m = self.manifest
        m.files += 1
        m.bytes_total += len(data)
        if category == "text":
            m.bytes_text += len(data)
            m.text_files.append(relative)
        elif category == "vendored":
            m.bytes_vendored += len(data)
        elif category == "binary":
            m.bytes_binary += len(data)
        else:
            m.bytes_archives += len(data)

    def source_file(self, repo: str, index: int) -> None:
        """One source, config, doc or lock file of a repository."""
        layout = (
            (
                "py",
                "src/{svc}/{name}.py",
                "import json\nfrom dataclasses import dataclass\nfrom typing import Any\n\n",
                0.30,
            ),
            ("js", "web/src/{svc}/{name}.tsx", "import { useState } from 'react';\n\n", 0.20),
            ("go", "internal/{svc}/{name}.go", 'package {svc}\n\nimport (\n\t"context"\n\t"fmt"\n)\n\n', 0.14),
            (
                "java",
                "src/main/java/com/acme/{svc}/{Name}.java",
                "package com.acme.{svc};\n\npublic class {Name} {\n",
                0.10,
            ),
            ("yaml", "deploy/{svc}/{name}.yaml", "containers:\n", 0.08),
            ("json", "tests/fixtures/{svc}/{name}.json", "[\n", 0.06),
            ("md", "docs/{svc}/{name}.md", "# {Name}\n\n", 0.05),
            ("lock", "web/{svc}-{name}/package-lock.json", '{\n  "lockfileVersion": 3,\n  "packages": {\n', 0.07),
        )
        kind, pattern, header, _ = self.rng.choices(layout, weights=[entry[3] for entry in layout])[0]
        svc, name = self.word(), f"{self.snake()}_{index}"
        title = name.title().replace("_", "")

        def fill(template: str) -> str:
            return template.replace("{svc}", svc).replace("{name}", name).replace("{Name}", title)

        relative = f"{repo}/" + fill(pattern)
        size = int(self.rng.lognormvariate(9.6, 0.9))  # median ~15 KB, a long tail
        text = fill(header) + self.body(kind, min(size, 600_000))
        text = self.with_plant(relative, text, 0.004)
        self.write(relative, text.encode(), "text")

    def vendored(self, repo: str) -> None:
        """node_modules, vendor, dist, .git, a virtualenv and __pycache__ for one repository."""
        for n in range(self.rng.randint(20, 40)):
            pkg = f"{self.word()}-{self.word()}"
            self.write(f"{repo}/web/node_modules/{pkg}/index.js", self.body("js", 12_000).encode(), "vendored")
            if n % 5 == 0:
                self.write(f"{repo}/web/node_modules/{pkg}/README.md", self.body("md", 4_000).encode(), "vendored")
        self.write(
            f"{repo}/web/dist/bundle.{self.sha()[:8]}.min.js",
            self.body("js", 400_000).replace("\n", "").encode(),
            "vendored",
        )
        for _ in range(self.rng.randint(5, 10)):
            self.write(
                f"{repo}/vendor/github.com/{self.word()}/{self.word()}/{self.word()}.go",
                self.body("go", 15_000).encode(),
                "vendored",
            )
        self.write(
            f"{repo}/.git/objects/pack/pack-{hashlib.sha1(self.rng.randbytes(8)).hexdigest()}.pack",
            self.rng.randbytes(300_000),
            "vendored",
        )
        self.write(
            f"{repo}/.venv/lib/python3.11/site-packages/{self.word()}/core.py",
            self.body("py", 30_000).encode(),
            "vendored",
        )
        self.write(
            f"{repo}/src/__pycache__/{self.word()}.cpython-311.pyc",
            b"\xa7\r\r\n" + self.rng.randbytes(20_000),
            "vendored",
        )

    def binaries(self, repo: str) -> None:
        """Images and an executable."""
        for _ in range(self.rng.randint(3, 8)):
            data = b"\x89PNG\r\n\x1a\n" + self.rng.randbytes(self.rng.randint(5_000, 80_000))
            self.write(f"{repo}/web/public/img/{self.word()}-{self.word()}.png", data, "binary")
        if self.rng.random() < 0.3:
            self.write(f"{repo}/bin/{self.word()}", b"\x7fELF\x02\x01\x01" + self.rng.randbytes(400_000), "binary")

    def archive(self, repo: str, index: int) -> None:
        """A release tarball (with a nested zip) or a zip of sources."""
        members: list[tuple[str, bytes]] = []
        for n in range(self.rng.randint(10, 30)):
            kind = self.rng.choice(("py", "js", "yaml", "md"))
            relative = f"app/{self.word()}/{self.snake()}_{n}.{kind}"
            text = self.with_plant(f"@archive/{relative}", self.body(kind, self.rng.randint(5_000, 60_000)), 0.02)
            members.append((relative, text.encode()))
        self.manifest.bytes_archive_members += sum(len(data) for _, data in members)
        buffer = io.BytesIO()
        if index % 2 == 0:
            name = f"{repo}/releases/{repo}-{index}.tar.gz"
            nested = io.BytesIO()
            with zipfile.ZipFile(nested, "w", zipfile.ZIP_DEFLATED) as inner:
                for relative, data in members[:3]:
                    inner.writestr(relative, data)
            self.manifest.bytes_archive_members += sum(len(data) for _, data in members[:3])
            with tarfile.open(fileobj=buffer, mode="w") as tar:
                for relative, data in [*members, ("app/plugins.zip", nested.getvalue())]:
                    info = tarfile.TarInfo(relative)
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))
            data = gzip.compress(buffer.getvalue(), compresslevel=6, mtime=0)
        else:
            name = f"{repo}/artifacts/{repo}-{index}.zip"
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as outer:
                for relative, member in members:
                    outer.writestr(relative, member)
            data = buffer.getvalue()
        for planted in self.manifest.planted:
            if planted.path.startswith("@archive/"):
                planted.path = f"{name}!{planted.path.removeprefix('@archive/')}"
        self.write(name, data, "archive")

    def big_log(self) -> None:
        """One log file above 50 MB, with a credential planted past the 50 MB mark."""
        relative = "ops-logs/archive/app-2026-03.log"
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        pool = self.pool("log")
        written = lines = 0
        planted = False
        with path.open("wb") as out:
            while written < BIG_LOG_BYTES:
                chunk = "".join(self.rng.choices(pool, k=256)).encode()
                if not planted and written > 50 * 1024 * 1024 + 123_457:
                    line, detector = self.plant()
                    self.manifest.planted.append(Planted(relative, lines + 1, detector))
                    chunk = line.encode() + b"\n" + chunk
                    planted = True
                out.write(chunk)
                written += len(chunk)
                lines += chunk.count(b"\n")
        m = self.manifest
        m.files += 1
        m.bytes_total += written
        m.bytes_text += written

    def build(self) -> TreeManifest:
        """Write the whole tree."""
        started = time.monotonic()
        target = self.manifest.size_mb * 1024 * 1024
        self.big_log()
        repos = [f"{self.word()}-{self.word()}-{n:02d}" for n in range(40)]
        for repo in repos:
            self.vendored(repo)
            self.binaries(repo)
        for n, repo in enumerate(repos[:12]):
            self.archive(repo, n)
        index = 0
        while self.manifest.bytes_scanned < target:
            self.source_file(repos[index % len(repos)], index)
            index += 1
        self.manifest.seconds = round(time.monotonic() - started, 1)
        return self.manifest


def tree_dir(size_mb: int, seed: int) -> Path:
    """Where the tree for these parameters is cached.

    A hidden directory: the tree holds ``.py`` files, and mypy, which checks ``bench/``, does not descend into
    directories whose name starts with a dot (``bench/out/`` is git-ignored, which ruff respects).
    """
    return OUT / f".secrets-tree-v{TREE_VERSION}-{size_mb}mb-s{seed}"


def load_manifest(root: Path) -> TreeManifest:
    """The manifest of a generated tree."""
    raw = json.loads((root / "manifest.json").read_text())
    raw["planted"] = [Planted(**p) for p in raw["planted"]]
    return TreeManifest(**raw)


def ensure_tree(size_mb: int = 220, seed: int = 11) -> tuple[Path, TreeManifest]:
    """The cached tree (generated on first use) and its manifest.

    The tree lives in ``<cache>/tree`` and the manifest beside it, so the manifest is not part of what is
    scanned; it is written last, so an interrupted generation is redone.
    """
    base = tree_dir(size_mb, seed)
    if (base / "manifest.json").exists():
        return base / "tree", load_manifest(base)
    if base.exists():
        shutil.rmtree(base)
    print(f"generating a {size_mb} MB source tree into {base} ...", flush=True)
    manifest = Writer(base / "tree", seed, size_mb).build()
    (base / "manifest.json").write_text(json.dumps(asdict(manifest)))
    print(
        f"  {manifest.files:,} files, {manifest.bytes_total / 2**20:.0f} MB on disk, "
        f"{manifest.bytes_scanned / 2**20:.0f} MB scanned by default, {manifest.seconds:.0f} s",
        flush=True,
    )
    return base / "tree", manifest


def sample(manifest: TreeManifest, budget: int, seed: int = 5) -> list[str]:
    """A fixed sample of the tree's scanned text files (not the big log) totalling about ``budget`` bytes."""
    rng = Random(seed)
    candidates = sorted(p for p in manifest.text_files)
    rng.shuffle(candidates)
    chosen: list[str] = []
    total = 0
    root = tree_dir(manifest.size_mb, manifest.seed) / "tree"
    for relative in candidates:
        size = (root / relative).stat().st_size
        if size > budget // 4:
            continue
        chosen.append(relative)
        total += size
        if total >= budget:
            break
    return sorted(chosen)


def main() -> None:
    """Generate (or find) the tree and print its manifest summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--size-mb", type=int, default=220)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    root, manifest = ensure_tree(args.size_mb, args.seed)
    print(
        f"{root}: {manifest.files:,} files, {manifest.bytes_total / 2**20:.0f} MB on disk, "
        f"{manifest.bytes_scanned / 2**20:.0f} MB scanned by default, {len(manifest.planted)} planted credentials"
    )


if __name__ == "__main__":
    main()
