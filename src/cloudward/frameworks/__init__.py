"""Compliance frameworks as data: each requirement maps to check ids; no framework touches check code."""

from cloudward.frameworks.assess import Assessment, RequirementStatus, assess
from cloudward.frameworks.model import Framework, Requirement, get_framework, load_frameworks

__all__ = ["Assessment", "Framework", "Requirement", "RequirementStatus", "assess", "get_framework", "load_frameworks"]
