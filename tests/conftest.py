"""Shared fixtures: one seeded lab emulator per test session, reached over real HTTP.

moto keeps its state in module-level backends, so every emulator started in this process shares one
account. Hence exactly one lab server per session, seeded once; tests only read it, or undo what
they add (and never call ``/moto-api/reset``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from cloudward.lab import LAB_CREDENTIALS, LabServer
from cloudward.lab.seed import SeedSummary, seed_lab
from cloudward.providers.aws.clients import Boto3Clients

# Secret fingerprints are keyed; tests use a fixed key instead of creating ~/.config/cloudward/fingerprint.key.
os.environ.setdefault("CLOUDWARD_SECRETS_KEY", "5e" * 32)


@pytest.fixture(scope="session")
def lab_seed() -> Iterator[SeedSummary]:
    """The lab emulator, started on 127.0.0.1 and seeded once for the whole session."""
    with LabServer() as server:
        yield seed_lab(server.endpoint_url)


@pytest.fixture(scope="session")
def lab_endpoint(lab_seed: SeedSummary) -> str:
    """The seeded lab's endpoint URL (``http://127.0.0.1:PORT``)."""
    return lab_seed.endpoint_url


@pytest.fixture
def lab_clients(lab_endpoint: str) -> Boto3Clients:
    """A fresh client factory for the lab (its own call hooks)."""
    return Boto3Clients(endpoint_url=lab_endpoint, credentials=LAB_CREDENTIALS, region="us-east-1", max_attempts=2)
