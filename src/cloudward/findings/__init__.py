"""Findings: a check's result on one resource, with a stable uid. OCSF lives only in ocsf.py."""

from cloudward.findings.model import Finding, ResourceRef, Summary

__all__ = ["Finding", "ResourceRef", "Summary"]
