"""Detection: CloudTrail ingestion into an event store, rules, baselines, incidents and alert sinks."""
