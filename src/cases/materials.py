"""The papers of an application: which the chosen items ask for, checking the uploaded ones
against them, and attaching them to the case (the files themselves: uploads.py)."""

from django.utils.translation import gettext as _

from catalog.models import Material
from lianban import clock
from lianban.errors import DomainError

from . import uploads
from .models import Case, CaseMaterial


def required_materials(items) -> list[Material]:
    """Each paper once, however many items ask for it; papers issued by an item of the same
    application are produced inside the government (免提交)."""
    item_ids = {i.pk for i in items}
    seen = {}
    for material in Material.objects.filter(items__in=item_ids).order_by("name").distinct():
        if material.issued_by_id in item_ids:
            continue
        seen[material.pk] = material
    return list(seen.values())


def attach(case: Case, checked: list, actor, written: list, *, first: bool = False) -> None:
    """Store the papers (`checked`: material and checked upload pairs); a later upload of a
    material supersedes the earlier one (`first`: the case is new and holds none yet)."""
    rows = []
    for material, upload in checked:
        path = uploads.store(upload)
        written.append(path)
        rows.append(
            CaseMaterial(
                case=case,
                material=material,
                file=path,
                original_name=upload.name,
                content_type=upload.content_type,
                size=upload.size,
                sha256=upload.sha256,
                uploaded_by=actor,
                uploaded_at=clock.now(),
            )
        )
    if rows and not first:
        CaseMaterial.objects.filter(
            case=case, material__in=[r.material for r in rows], superseded=False
        ).update(superseded=True)
    CaseMaterial.objects.bulk_create(rows)


def check_files(case: Case | None, files: dict | None, allowed) -> list:
    """The uploads (material id -> file) checked by content, each a paper `allowed` asks for
    (material ids, or id -> Material), with the case's papers (none for a new one) within
    the total a case may hold. Returns (material, checked upload) pairs."""
    if not isinstance(allowed, dict):
        allowed = Material.objects.in_bulk(allowed)
    checked = []
    for key, uploaded in (files or {}).items():
        try:
            material_id = int(key)
        except (TypeError, ValueError):
            material_id = None
        if material_id not in allowed:
            raise DomainError(
                _("上传了本次不需要的材料。"), code="invalid", field=f"material_{key}"
            )
        checked.append(
            (allowed[material_id], uploads.check_upload(uploaded, field=f"material_{key}"))
        )
    already = (
        sum(case.materials.filter(superseded=False).values_list("size", flat=True)) if case else 0
    )
    uploads.check_case_total([c for _m, c in checked], already)
    return checked
