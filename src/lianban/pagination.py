"""Page-number paging with bounds.

The API: a page number so large that its offset overflows the database's integer made
SQLite raise OverflowError and PostgreSQL refuse the query (a 500). Past MAX_PAGE, or with
a page size outside 1..MAX_PAGE_SIZE, the request is a 422.

The pages: a list counts at most COUNT_CAP rows. A reviewer's history of approved tasks
grows without end, and counting all of it (a million tasks: 130-260 ms of PostgreSQL on
every page view) bought only the number of the last page."""

import math

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

COUNT_CAP = 10_000

MAX_PAGE = 100_000
MAX_PAGE_SIZE = 100


class BoundedPages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, page_size: int = 50, **kwargs):
        super().__init__(page_size=page_size, max_page_size=MAX_PAGE_SIZE, **kwargs)


class CappedPaginator(Paginator):
    """A Paginator that counts no further than `cap` rows. Past it, `capped` is true and
    the pages end at the cap: the list shows "page n of N+" and the user narrows the filter."""

    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap or COUNT_CAP

    @cached_property
    def count(self) -> int:
        # A queryset's window is counted as SELECT COUNT(*) FROM (… LIMIT cap + 1), without
        # its ORDER BY, which would make the database sort rows it only counts.
        rows = self.object_list
        if hasattr(rows, "order_by"):
            return rows.order_by()[: self.cap + 1].count()
        return len(rows[: self.cap + 1])

    @cached_property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return math.ceil(self.cap / self.per_page)
        return super().num_pages
