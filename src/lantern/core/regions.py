"""The regions known for each country, offered by the region pickers. Lantern keeps no official list of a
country's regions (a region is the place name the country's agencies use, "Attica", "Crete"): the regions known are
those already in use, by organisations here, and by apps to the right of core that register a source in their
AppConfig.ready (crisis areas, offers of services), the way panels are registered. No personal data: only the
regions of organisations, crises and services, never a person's."""

from __future__ import annotations

from collections.abc import Callable, Iterable

Source = Callable[[], Iterable[tuple[str, str]]]  # (country, region) pairs

SOURCES: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    """Add a source of (country, region) pairs (once per name: ready() may run more than once in tests)."""
    SOURCES.setdefault(name, source)


def _organisation_regions() -> Iterable[tuple[str, str]]:
    from lantern.core.models import Organisation

    return Organisation.objects.exclude(region="").values_list("country", "region").distinct()


SOURCES["core.organisations"] = _organisation_regions


def by_country() -> dict[str, list[str]]:
    """Country code -> its known regions, sorted."""
    found: dict[str, set[str]] = {}
    for source in SOURCES.values():
        for country, region in source():
            if country and region and region != "*":
                found.setdefault(country, set()).add(region)
    return {country: sorted(names) for country, names in sorted(found.items())}
