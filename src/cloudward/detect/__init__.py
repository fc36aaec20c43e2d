"""Detection: CloudTrail ingestion into an event store, rules, baselines, incidents and alert sinks.

This package module stays light (the CLI imports it at start-up); the heavy parts load on use.
"""

from pathlib import Path

DEFAULT_STORE = Path(".cloudward/events")
"""Where `cloudward detect` and `cloudward events` keep the event store unless told otherwise."""
