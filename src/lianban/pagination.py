"""Page-number paging with bounds.

The API: a page number so large that its offset overflows the database's integer made
SQLite raise OverflowError and PostgreSQL refuse the query (a 500). Past MAX_PAGE, or with
a page size outside 1..MAX_PAGE_SIZE, the request is a 422.

Both count at most COUNT_CAP rows. A reviewer's history of approved tasks grows without
end, and counting all of it (a million tasks: 130-260 ms of PostgreSQL on every page view or
API call) bought only the number of the last page. The pages then end at the cap (the list
says "page n of N+"); the API answers `count_capped: true` and pages on past it, so a system
that reads every page still reaches the last row."""

import math
from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

COUNT_CAP = 10_000

MAX_PAGE = 100_000
MAX_PAGE_SIZE = 100


def capped_count(rows, cap: int = COUNT_CAP) -> int:
    """How many `rows` there are, counted no further than cap + 1: more than `cap` when
    there are more. A queryset's window is counted as SELECT COUNT(*) FROM (… LIMIT cap + 1),
    without its ORDER BY, which would make the database sort rows it only counts."""
    if hasattr(rows, "order_by"):
        return rows.order_by()[: cap + 1].count()
    return len(rows[: cap + 1])


class BoundedPages(PageNumberPagination):
    """The API's pages. `out`, when given, turns each row of the page into its answer, so
    that only the page's rows are built, not every row the filter matches."""

    cap = COUNT_CAP  # a class attribute, which a test may lower

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    class Output(Schema):
        items: list[Any]
        count: int = Field(
            ..., description=f"符合条件的条数，最多数到 {COUNT_CAP}（见 count_capped）"
        )
        count_capped: bool = Field(
            ...,
            description=f"true：符合条件的超过 {COUNT_CAP} 条，count 只数到这里；"
            "后面的页照常可取，或缩小查询条件",
        )

    def __init__(self, page_size: int = 50, out: Callable[[Any], Any] | None = None, **kwargs):
        super().__init__(page_size=page_size, max_page_size=MAX_PAGE_SIZE, **kwargs)
        self.out = out

    def _items_count(self, queryset) -> int:
        return capped_count(queryset, self.cap)

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["count_capped"] = page["count"] > self.cap
        page["count"] = min(page["count"], self.cap)
        if self.out is not None:
            page[self.items_attribute] = [self.out(row) for row in page[self.items_attribute]]
        return page


class CappedPaginator(Paginator):
    """A Paginator that counts no further than `cap` rows. Past it, `capped` is true and
    the pages end at the cap: the list shows "page n of N+" and the user narrows the filter."""

    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap or COUNT_CAP

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list, self.cap)

    @cached_property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return math.ceil(self.cap / self.per_page)
        return super().num_pages
