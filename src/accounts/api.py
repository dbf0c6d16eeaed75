from ninja import Router, Schema

from lianban.schemas import SIGNED_IN, OneOf

from .models import Role

router = Router(tags=["账户 accounts"])


class MeOut(Schema):
    username: str
    display_name: str
    role: OneOf(Role)
    department: str | None


@router.get("/me", response={200: MeOut, **SIGNED_IN}, summary="当前用户")
def me(request):
    """Who the session or the bearer token acts as."""
    user = request.auth
    return {
        "username": user.get_username(),
        "display_name": user.display_name,
        "role": user.role,
        "department": user.department.code if user.department_id else None,
    }
