"""Publication is its own app (decision 0011) and kept what the insights app gave it: the page addresses, the API
paths and operation ids, the tables with their rows, and the place in the menu."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import resolve, reverse

from lantern.api import api

PAGES = {
    "publication:publish": ((), "/insights/publication/"),
    "publication:policy": ((), "/insights/publication/policy/"),
    "publication:ctdc": ((), "/insights/publication/ctdc-k11.csv"),
    "publication:release": ((7,), "/insights/publication/7/"),
    "publication:table": ((7,), "/insights/publication/7/table.csv"),
    "publication:chart": ((7,), "/insights/publication/7/chart.svg"),
    "publication:note": ((7,), "/insights/publication/7/note.md"),
}
API = {
    ("get", "/api/v1/insights/publication/budgets"): "publication_budgets",
    ("post", "/api/v1/insights/publication/releases"): "publication_create",
    ("get", "/api/v1/insights/publication/releases"): "publication_releases",
    ("get", "/api/v1/insights/publication/releases/{release_id}"): "publication_get",
    ("get", "/api/v1/insights/publication/ctdc"): "publication_ctdc",
    ("get", "/api/v1/insights/publication/policy"): "publication_policy",
    ("put", "/api/v1/insights/publication/policy"): "publication_policy_set",
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_pages_keep_their_addresses(name: str) -> None:
    args, address = PAGES[name]
    assert reverse(name, args=args) == address
    assert resolve(address).namespace == "publication"


def test_the_insights_pages_stay_with_insights() -> None:
    assert resolve("/insights/").view_name == "insights:dashboard"
    assert resolve("/insights/impact/").view_name == "insights:impact"


def test_the_api_keeps_its_paths_and_operation_ids() -> None:
    paths = api.get_openapi_schema()["paths"]
    found = {
        (method, path): operation["operationId"]
        for path, operations in paths.items()
        for method, operation in operations.items()
        if path.startswith("/api/v1/insights/publication/")
    }
    assert found == API


def test_the_models_keep_the_tables_insights_created() -> None:
    tables = {model.__name__: model._meta.db_table for model in apps.get_app_config("publication").get_models()}
    assert tables == {
        "PublicationDataset": "insights_publicationdataset",
        "PublicationRelease": "insights_publicationrelease",
        "PublicationPolicy": "insights_publicationpolicy",
    }
    assert not [m for m in apps.get_app_config("insights").get_models() if m.__name__.startswith("Publication")]


def test_publication_sits_between_the_operational_apps_and_insights() -> None:
    order = [name for name in settings.INSTALLED_APPS if name.startswith("lantern.")]
    assert order.index("lantern.notify") < order.index("lantern.publication") < order.index("lantern.insights")
