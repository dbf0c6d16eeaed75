"""Page-number paging with bounds: a page number so large that its offset overflows the
database's integer made SQLite raise OverflowError and PostgreSQL refuse the query (a 500).
Past MAX_PAGE, or with a page size outside 1..MAX_PAGE_SIZE, the request is a 422."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 100_000
MAX_PAGE_SIZE = 100


class BoundedPages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, page_size: int = 50, **kwargs):
        super().__init__(page_size=page_size, max_page_size=MAX_PAGE_SIZE, **kwargs)
