"""Kinds declared by modules: every module of a package that defines a given name is one kind, found by
looking, so adding a kind is adding a module. Probe kinds and alert channels are found this way."""

import importlib
import pkgutil
from types import ModuleType


def discover(package: ModuleType, attribute: str, kind: type) -> dict:
    """{name: declaration} of every module in `package` whose `attribute` is a `kind`, ordered by the
    declaration's `order`, then its name."""
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        declared = getattr(importlib.import_module(f"{package.__name__}.{info.name}"), attribute, None)
        if isinstance(declared, kind):
            found.append(declared)
    return {d.name: d for d in sorted(found, key=lambda d: (d.order, d.name))}
