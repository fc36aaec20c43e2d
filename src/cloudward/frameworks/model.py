"""Framework and Requirement, loaded from the YAML files in ``frameworks/data/``."""

from __future__ import annotations

import difflib
import functools
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from cloudward.core.errors import CloudwardError


class FrameworkError(CloudwardError):
    """An unknown framework id, or a framework file that does not parse."""


class Requirement(BaseModel):
    """One requirement: evaluated through ``checks``, or MANUAL with an ``audit`` summary."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    section: str
    title: str
    checks: tuple[str, ...] = ()
    audit: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _checks_or_audit(self) -> Requirement:
        if not self.checks and not self.audit:
            raise ValueError(f"requirement {self.id} needs checks or an audit summary")
        return self

    @property
    def automated(self) -> bool:
        """True when cloudward evaluates it; False for MANUAL requirements."""
        return bool(self.checks)


class Framework(BaseModel):
    """A versioned framework: requirements in the benchmark's order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    version: str
    url: str
    requirements: tuple[Requirement, ...]

    def check_ids(self) -> set[str]:
        """Every check id any requirement uses."""
        return {check_id for requirement in self.requirements for check_id in requirement.checks}

    def sections(self) -> list[str]:
        """Section names in order of first appearance."""
        return list(dict.fromkeys(requirement.section for requirement in self.requirements))


@functools.cache
def load_frameworks() -> dict[str, Framework]:
    """Every framework shipped with cloudward, by id."""
    frameworks: dict[str, Framework] = {}
    for entry in sorted(resources.files("cloudward.frameworks").joinpath("data").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        try:
            framework = Framework.model_validate(yaml.safe_load(entry.read_text(encoding="utf-8")))
        except (yaml.YAMLError, ValidationError) as exc:
            raise FrameworkError(f"framework file {entry.name} is invalid: {exc}") from exc
        frameworks[framework.id] = framework
    return frameworks


def get_framework(framework_id: str) -> Framework:
    """The framework with this id; an unknown id is an error naming the known ones."""
    frameworks = load_frameworks()
    if framework_id in frameworks:
        return frameworks[framework_id]
    close = difflib.get_close_matches(framework_id, frameworks, n=3)
    hint = f"did you mean {', '.join(close)}?" if close else f"known: {', '.join(sorted(frameworks))}"
    raise FrameworkError(f"unknown framework {framework_id!r} ({hint})")
