"""cloudward: secure the customer's side of the cloud shared responsibility model."""

__version__ = "0.1.0"

__all__ = ["__version__"]
