"""The check registry: discovers built-in check modules and user folders, rejects duplicate ids."""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import pkgutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType

from cloudward.checks.model import Check, CheckMeta, Layer, Severity
from cloudward.core.errors import RegistryError

BUILTIN_PACKAGE = "cloudward.checks.aws"


class Registry:
    """Checks by id, in registration order."""

    def __init__(self) -> None:
        self._checks: dict[str, Check] = {}

    def register(self, check: Check) -> None:
        """Add a check; a second check with the same id is an error naming both modules."""
        existing = self._checks.get(check.meta.id)
        if existing is not None:
            raise RegistryError(
                f"duplicate check id {check.meta.id!r}: defined in {existing.module} and {check.module}"
            )
        self._checks[check.meta.id] = check

    def register_module(self, module: ModuleType) -> None:
        """Register the check a module defines through its ``meta`` and ``evaluate`` names."""
        meta = getattr(module, "meta", None)
        evaluate = getattr(module, "evaluate", None)
        if not isinstance(meta, CheckMeta) or not callable(evaluate):
            raise RegistryError(f"{module.__name__}: a check module needs `meta = CheckMeta(...)` and `evaluate`")
        self.register(Check(meta=meta, evaluate=evaluate, module=module.__name__))

    def load_builtin(self) -> Registry:
        """Import every check module under ``cloudward.checks.aws``."""
        package = importlib.import_module(BUILTIN_PACKAGE)
        for info in sorted(pkgutil.walk_packages(package.__path__, f"{BUILTIN_PACKAGE}."), key=lambda i: i.name):
            if info.ispkg or info.name.rsplit(".", 1)[-1].startswith("_"):
                continue
            self.register_module(importlib.import_module(info.name))
        return self

    def load_folder(self, folder: Path) -> Registry:
        """Import user checks from every ``*.py`` file of a folder (recursively), without forking."""
        if not folder.is_dir():
            raise RegistryError(f"checks folder {folder} does not exist or is not a directory")
        for path in sorted(folder.rglob("*.py")):
            if path.name.startswith("_"):
                continue
            name = f"cloudward_user_checks.{path.stem}"
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None:
                raise RegistryError(f"cannot import check file {path}")
            module = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(module)
            except Exception as exc:
                raise RegistryError(f"cannot import check file {path}: {exc}") from exc
            self.register_module(module)
        return self

    def __iter__(self) -> Iterator[Check]:
        return iter(self._checks.values())

    def __len__(self) -> int:
        return len(self._checks)

    def __contains__(self, check_id: object) -> bool:
        return check_id in self._checks

    def get(self, check_id: str) -> Check:
        """The check with this id; an unknown id is an error listing close matches."""
        try:
            return self._checks[check_id]
        except KeyError:
            close = difflib.get_close_matches(check_id, self._checks, n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise RegistryError(f"unknown check id {check_id!r}{hint}") from None

    def select(
        self,
        check_ids: Iterable[str] = (),
        services: Iterable[str] = (),
        min_severity: Severity | None = None,
        layers: Iterable[Layer] = (),
    ) -> list[Check]:
        """Checks matching every given filter (an empty filter matches all)."""
        wanted_ids = set(check_ids)
        for check_id in wanted_ids:
            self.get(check_id)
        wanted_services = {service.lower() for service in services}
        known_services = {check.meta.service for check in self}
        unknown_services = wanted_services - known_services
        if unknown_services:
            raise RegistryError(
                f"unknown service(s) {', '.join(sorted(unknown_services))}; known: {', '.join(sorted(known_services))}"
            )
        wanted_layers = set(layers)
        return [
            check
            for check in self
            if (not wanted_ids or check.meta.id in wanted_ids)
            and (not wanted_services or check.meta.service in wanted_services)
            and (min_severity is None or check.meta.severity.rank >= min_severity.rank)
            and (not wanted_layers or check.meta.layer in wanted_layers)
        ]


def default_registry(extra_folders: Iterable[Path] = ()) -> Registry:
    """The built-in checks plus any user folders."""
    registry = Registry().load_builtin()
    for folder in extra_folders:
        registry.load_folder(folder)
    return registry
