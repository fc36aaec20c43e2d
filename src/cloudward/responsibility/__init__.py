"""The shared responsibility model: per service, what AWS secures, what the customer secures."""

from cloudward.responsibility.matrix import ServiceResponsibility, load_matrix

__all__ = ["ServiceResponsibility", "load_matrix"]
