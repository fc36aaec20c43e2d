"""The read-only guard lets CloudTrail's LookupEvents through: it reads the event history, changes nothing."""

from __future__ import annotations

import contextlib

import pytest
from botocore.exceptions import ClientError

from cloudward.lab import LAB_CREDENTIALS
from cloudward.providers.aws.clients import Boto3Clients, MutatingCallRefusedError, is_read_only


def test_lookup_events_is_read_only() -> None:
    assert is_read_only("LookupEvents")
    assert not is_read_only("StopLogging")


def test_a_scanning_client_sends_lookup_events_but_refuses_a_trail_write(lab_endpoint: str) -> None:
    """The call reaches the emulator (moto 5.2 does not implement LookupEvents and answers with an error),
    where a write to the same service is refused before it is sent."""
    clients = Boto3Clients(endpoint_url=lab_endpoint, credentials=LAB_CREDENTIALS, max_attempts=1)
    sent: list[str] = []
    clients.add_call_hook(lambda service, region, operation, params: sent.append(operation))
    cloudtrail = clients.client("cloudtrail", "us-east-1")
    with contextlib.suppress(ClientError):  # the emulator's answer; what matters is that the call went out
        cloudtrail.lookup_events(MaxResults=1)
    with pytest.raises(MutatingCallRefusedError, match="StopLogging"):
        cloudtrail.stop_logging(Name="any-trail")
    assert sent == ["LookupEvents", "StopLogging"]
