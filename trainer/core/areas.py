"""The areas of the application and how their plug-in modules are found (see docs/architecture.md).

An area is a package ``trainer/<area>/``. A small area keeps its routes in ``views.py`` (a Flask ``bp``) and
``api.py`` (an API ``blp``). A programme cut into feature slices (``trainer/visits/setup/``, ``plan/`` …)
declares its blueprints once in ``blueprint.py``; each slice's ``views.py`` and ``api.py`` add their routes
to them, and are found here by walking the area's subpackages, so adding a slice edits no central file.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from types import ModuleType

# In the order their blueprints, commands, demo data and programme-file sections are taken.
AREAS = ("auth", "org", "audit", "workdays", "visits", "rotation", "instructors", "calendars", "jobs",
         "exchange", "notices", "desk")


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


def area_slices(area: str) -> list[str]:
    """The feature slices of an area: its subpackages, e.g. visits -> ["duty", "plan", "records", "setup"]."""
    package = importlib.import_module(f"trainer.{area}")
    return sorted(info.name for info in pkgutil.iter_modules(package.__path__) if info.ispkg
                  and info.name != "translations")


def slice_modules(area: str, name: str) -> list[ModuleType]:
    """The area's ``<name>`` module and each slice's (``trainer.visits.setup.views`` …)."""
    found = [area_module(area, name)] + [area_module(f"{area}.{part}", name) for part in area_slices(area)]
    return [module for module in found if module is not None]


def area_blueprints(area: str) -> tuple[object | None, object | None]:
    """The area's web blueprint and API blueprint (either may be None), with every slice's routes added."""
    views = slice_modules(area, "views")
    apis = slice_modules(area, "api")
    declared = area_module(area, "blueprint")
    bp = getattr(declared, "bp", None) or next((m.bp for m in views if hasattr(m, "bp")), None)
    blp = getattr(declared, "blp", None) or next((m.blp for m in apis if hasattr(m, "blp")), None)
    return bp, blp
