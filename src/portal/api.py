from ninja import Router, Schema

router = Router()


class Health(Schema):
    status: str


@router.get("/health", response=Health, auth=None, summary="服务状态")
def health(request):
    return {"status": "ok"}
