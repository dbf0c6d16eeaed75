"""The catalog as plain data: what a workbook reads into, what the database loads into, and
what the planner and the checks take. No Django models here, so the planner can run on a
file (`lianban plan --catalog FILE`) or in a benchmark without touching the database.

Field values use the same codes as the models' choices (catalog/models.py); a test keeps
the two in step."""

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

WORKING = "working"  # LimitUnit.WORKING, 工作日
CALENDAR = "calendar"  # LimitUnit.CALENDAR, 自然日


class Limit(NamedTuple):
    """A time limit: `days` in `unit`; 0 days is on the spot (即办)."""

    days: int
    unit: str = WORKING

    @property
    def on_the_spot(self) -> bool:
        return self.days == 0


@dataclass(slots=True)
class DepartmentRecord:
    code: str
    name: str
    region_code: str
    row: int | None = None


@dataclass(slots=True)
class ItemRecord:
    code: str
    name: str
    department: str  # the department's code
    kind: str
    legal: Limit
    promised: Limit
    prerequisites: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()  # normalised names, see normalise_name()
    result_name: str = ""
    fee: str = ""
    legal_basis: str = ""
    handling: str = "online_preview"
    visits: int = 0
    notice_commitment: bool = False
    is_annual_inspection: bool = False
    needs_joint_meeting: bool = False
    row: int | None = None


@dataclass(slots=True)
class StageRecord:
    order: int
    name: str
    lead_department: str  # the department's code
    items: tuple[str, ...] = ()
    rows: tuple[int, ...] = ()


@dataclass(slots=True)
class ProjectTypeRecord:
    name: str
    stages: list[StageRecord] = field(default_factory=list)
    life_event: str = ""
    description: str = ""
    row: int | None = None


@dataclass(slots=True)
class Catalog:
    departments: dict[str, DepartmentRecord] = field(default_factory=dict)
    items: dict[str, ItemRecord] = field(default_factory=dict)
    project_types: dict[str, ProjectTypeRecord] = field(default_factory=dict)

    def department_name(self, code: str) -> str:
        department = self.departments.get(code)
        return department.name if department else code


_SPACE = re.compile(r"\s+")


@functools.lru_cache(maxsize=65536)
def normalise_name(text: str) -> str:
    """A material's identity: full-width letters and digits made half-width (NFKC), every
    space removed, brackets written the Chinese way （）, a final 。 dropped. So
    "营业执照 (副本)" and "营业执照（副本）。" are the same paper."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _SPACE.sub("", text).replace("(", "（").replace(")", "）")
    return text.rstrip("。.")


def normalise_code(text: str) -> str:
    """Codes compare without spaces and with half-width characters."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))
