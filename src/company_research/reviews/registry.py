"""The registry: every module of this package that defines `ADAPTER` is a review site."""

from __future__ import annotations

import functools
import importlib
import pkgutil

from company_research.errors import UsageError
from company_research.reviews.base import ReviewSite

GENERIC = "schemaorg"


@functools.cache
def adapters() -> dict[str, ReviewSite]:
    """name -> adapter, in a stable order; the generic schema.org reader last."""
    import company_research.reviews as package

    found: dict[str, ReviewSite] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        adapter = getattr(module, "ADAPTER", None)
        if isinstance(adapter, ReviewSite):
            found[adapter.name] = adapter
    generic = found.pop(GENERIC, None)
    if generic is not None:
        found[GENERIC] = generic
    return found


def site_adapters() -> list[ReviewSite]:
    """The sites a research run looks a company up on (not the generic reader)."""
    return [a for name, a in adapters().items() if name != GENERIC]


def get_adapter(name: str) -> ReviewSite:
    """The adapter called `name` (case-insensitive); UsageError naming the choices."""
    key = name.strip().lower()
    for adapter in adapters().values():
        if key in (adapter.name, adapter.label.lower()):
            return adapter
    choices = ", ".join(adapters())
    raise UsageError(f"no review site called {name!r}; choose one of: {choices}")


def adapter_for_url(url: str | None) -> ReviewSite | None:
    if not url:
        return None
    return next((a for a in site_adapters() if a.owns(url)), None)


def label_of(name: str) -> str:
    adapter = adapters().get(name)
    return adapter.label if adapter else name
