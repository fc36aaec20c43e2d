"""Systems Manager (Parameter Store) checks."""
