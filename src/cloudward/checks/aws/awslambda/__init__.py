"""Lambda checks (the package is named awslambda because lambda is a Python keyword)."""
