"""The rules of Summit: one package per area, shared helpers in ``core``
(docs/architecture.md)."""
from __future__ import annotations

from importlib import import_module
from types import ModuleType

# Jobs queued on Redis name their function by its dotted path. Those queued before the
# services were grouped by area name "summit.services.jobs.perform"; RQ resolves such a path
# attribute by attribute, so the old module name leads to the new one until they have run.
MOVED = {"jobs": "summit.services.core.jobs"}


def __getattr__(name: str) -> ModuleType:
    if name in MOVED:
        return import_module(MOVED[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
