from dataclasses import asdict

from ninja import Router, Schema

router = Router()


class Health(Schema):
    status: str


class PublishedStatistics(Schema):
    cases_this_month: int
    items_decided: int
    items_on_time: int
    on_time_percent: float | None
    items_overdue_open: int
    average_working_days: float | None
    median_working_days: float | None
    average_document_working_days: float | None
    median_document_working_days: float | None
    average_serial_working_days: float | None
    average_legal_serial_working_days: float | None
    papers_separately: int
    papers_submitted: int
    papers_saved: int


@router.get("/health", response=Health, auth=None, summary="服务状态")
def health(request):
    return {"status": "ok"}


@router.get("/statistics", response=PublishedStatistics, auth=None, summary="公开统计")
def statistics(request):
    from .queries import current_statistics

    stats = current_statistics()
    return {**asdict(stats), "papers_saved": stats.papers_saved}
