"""More of the lab account, one module per area; each defines ``seed(lab: Lab) -> None``.

`seed_lab` runs them, in module-name order, after the core account (KMS keys, IAM, S3, EC2, CloudTrail,
Config, RDS, Lambda) exists. A seeder reaches the emulator through ``lab.c(service, region)`` and counts
what it creates with ``lab.count(resource_type)``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

Seed = Callable[[Any], None]


def all_seeders() -> list[tuple[str, Seed]]:
    """Every seeder module's ``seed`` function, by module name."""
    found: list[tuple[str, Seed]] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda item: item.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.append((info.name, module.seed))
    return found
