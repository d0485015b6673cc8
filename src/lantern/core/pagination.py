"""Page-number pagination for the API with bounds, so that no page number can overflow the database."""

from __future__ import annotations

from typing import Any, cast

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 200


class Pagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, *, max_page_size: int = MAX_PAGE_SIZE, **kwargs: Any) -> None:
        # The page size a client may ask for is the one the input accepts (django-ninja's own default is 100).
        super().__init__(max_page_size=max_page_size, **kwargs)


MAX_COUNT = 10_000


class CappedPagination(Pagination):
    """For lists that can hold a million rows: the count stops at 10,000 (a list page never needs more, and an
    exact count of a large filtered set costs a scan of all of it)."""

    class Output(Schema):
        items: list[Any]
        count: int = Field(description=f"how many match, counted up to {MAX_COUNT}")
        count_capped: bool = Field(description=f"true when more than {MAX_COUNT} match")

    def _items_count(self, queryset: QuerySet) -> int:
        if not isinstance(queryset, QuerySet):
            return len(queryset)
        return int(queryset.order_by()[: MAX_COUNT + 1].count())

    def paginate_queryset(self, queryset: QuerySet, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["count_capped"] = page["count"] > MAX_COUNT
        page["count"] = min(page["count"], MAX_COUNT)
        return page


class CappedPaginator(Paginator):
    """The pages' paginator with the same cap: "page 3 of 200+" rather than a count of half a million rows."""

    @cached_property
    def _counted(self) -> int:
        return int(cast(QuerySet, self.object_list).order_by()[: MAX_COUNT + 1].count())

    @cached_property
    def count(self) -> int:
        return min(self._counted, MAX_COUNT)

    @cached_property
    def capped(self) -> bool:
        return self._counted > MAX_COUNT
