"""The responsibility matrix, loaded from ``matrix.yaml``."""

from __future__ import annotations

import functools
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, TypeAdapter

from cloudward.checks.model import ServiceModel


class ServiceResponsibility(BaseModel):
    """One service: its model, and who secures what."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    model: ServiceModel
    provider: tuple[str, ...]
    customer: tuple[str, ...]
    shared: tuple[str, ...] = ()


@functools.cache
def load_matrix() -> dict[str, ServiceResponsibility]:
    """Every service cloudward knows, by its service name."""
    text = resources.files("cloudward.responsibility").joinpath("matrix.yaml").read_text(encoding="utf-8")
    adapter = TypeAdapter(dict[str, ServiceResponsibility])
    return adapter.validate_python(yaml.safe_load(text))
