"""The areas of the application and how their plug-in modules are found (see docs/architecture.md)."""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

# In the order their blueprints, commands, demo data and programme-file sections are taken.
AREAS = ("auth", "org", "audit", "workdays", "visits", "rotation", "instructors", "calendars", "jobs",
         "exchange")


def area_module(area: str, name: str) -> ModuleType | None:
    """``trainer.<area>.<name>`` if the area has that module, else None."""
    module_name = f"trainer.{area}.{name}"
    try:
        if importlib.util.find_spec(module_name) is None:
            return None
    except ModuleNotFoundError:
        return None
    return importlib.import_module(module_name)


def area_modules(name: str, areas: tuple[str, ...] = AREAS) -> list[ModuleType]:
    """Every area's ``<name>`` module (e.g. "feeds", "jobs"), in area order; areas without one are skipped."""
    return [module for area in areas if (module := area_module(area, name)) is not None]
