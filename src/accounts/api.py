import datetime as dt

from ninja import Field, Router, Schema

from lianban.schemas import SIGNED_IN, OneOf

from .models import Role

router = Router(tags=["账户 accounts"])


class MeOut(Schema):
    username: str
    display_name: str
    role: OneOf(Role)
    department: str | None
    token_expires_at: dt.datetime | None = Field(
        ..., description="以接口令牌调用时，令牌的到期时间；以浏览器会话调用时为 null"
    )


@router.get("/me", response={200: MeOut, **SIGNED_IN}, summary="当前用户")
def me(request):
    """Who the session or the bearer token acts as."""
    user = request.auth
    token = getattr(request, "api_token", None)  # set by lianban.api.TokenAuth
    return {
        "username": user.get_username(),
        "display_name": user.display_name,
        "role": user.role,
        "department": user.department.code if user.department_id else None,
        "token_expires_at": token.expires_at if token else None,
    }
