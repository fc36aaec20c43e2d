"""Built-in AWS checks, one package per service."""
