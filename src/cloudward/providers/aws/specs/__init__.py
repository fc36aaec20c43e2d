"""Every AWS ResourceSpec cloudward knows, by resource type: each module here defines ``SPECS``."""

from __future__ import annotations

import importlib
import pkgutil

from cloudward.providers.aws.spec import ResourceSpec


def _discover() -> dict[str, ResourceSpec]:
    specs: dict[str, ResourceSpec] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda item: item.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for spec in getattr(module, "SPECS", ()):
            if spec.type in specs:
                raise ValueError(f"resource type {spec.type} has two specs (second in {module.__name__})")
            specs[spec.type] = spec
    return specs


ALL_SPECS: dict[str, ResourceSpec] = _discover()

__all__ = ["ALL_SPECS"]
