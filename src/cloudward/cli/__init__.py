"""The command line: typer commands, argument handling only."""
