"""Writers: each streams findings to an injected output (OCSF JSON, CSV, HTML, console)."""
