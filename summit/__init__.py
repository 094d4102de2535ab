"""Summit: government e-commerce summits, from programme to gate.

The factory lives in ``summit/app.py``; docs/architecture.md describes the layers.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from summit.config import VERSION

if TYPE_CHECKING:
    from flask import Flask

__version__ = VERSION


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """A new Summit application (``test_config`` replaces instance/config.py and the
    environment)."""
    # Imported when an app is built, not with the package: the factory imports every
    # blueprint, whose services import this package back (the job runner in
    # services/core/jobs.py calls create_app), a cycle; and a process that needs one module
    # (a badge render worker, a script) does not load the whole app.
    from summit.app import create_app as build

    return build(test_config)
