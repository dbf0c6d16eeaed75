"""The timeline of a plan as SVG shapes (pure geometry; templates/catalog/timeline.svg.html
draws them). Parallel bars for the items against one bar for the serial alternative, on one
scale of calendar days, with the saving in days and papers written on it.

The drawing is 360 units wide and the page scales it to the column's width, so at a
375 px phone the text stays at about its nominal size; names are shortened to fit and
given whole in each bar's <title>. Colours are presentation attributes (fill), which the
Content-Security-Policy allows, unlike inline styles."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .limits import display_limit
from .planner import Plan

WIDTH = 360
LEFT, RIGHT = 8, 8
RED, BLUE, GREY, INK, MUTED = "#c8161d", "#0b57d0", "#8a9099", "#1f2329", "#5c6370"
NAME_CHARS = 15


@dataclass
class Shape:
    kind: str  # "rect", "text", "line" or "diamond"
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    x2: float = 0
    y2: float = 0
    fill: str = INK
    text: str = ""
    size: int = 11
    anchor: str = "start"
    bold: bool = False
    title: str = ""
    points: str = ""


@dataclass
class Chart:
    width: int
    height: int
    title: str
    description: str
    shapes: list[Shape] = field(default_factory=list)


def _short(text: str, n: int = NAME_CHARS) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def timeline_chart(result: Plan) -> Chart:
    first = result.start.toordinal()
    span = max(1, result.serial_finish.toordinal() - first)
    usable = WIDTH - LEFT - RIGHT

    def x(day) -> float:
        return round(LEFT + (day.toordinal() - first) / span * usable, 1)

    params = {
        "days": result.total_working_days,
        "serial": result.serial_working_days,
        "saved": result.saved_working_days,
        "papers": len(result.materials_submitted),
        "separately": result.materials_requested_separately,
        "fewer": result.saved_materials,
    }
    headline = _("并联%(days)d个工作日，串联%(serial)d个工作日") % params
    saving = _("节省%(saved)d个工作日；材料只交%(papers)d份，少交%(fewer)d份") % params
    shapes = [
        Shape("text", LEFT, 18, text=headline, size=13, bold=True),
        Shape("text", LEFT, 36, text=saving, size=12, bold=True, fill=RED),
    ]
    y = 58
    for label, finish, colour in (
        (_("串联办理（改革前）至%(date)s"), result.serial_finish, GREY),
        (_("并联办理至%(date)s"), result.finish, RED),
    ):
        text = label % {"date": finish.isoformat()}
        shapes.append(Shape("text", LEFT, y, text=text, size=11, fill=INK))
        shapes.append(
            Shape(
                "rect",
                LEFT,
                y + 4,
                width=max(2.0, x(finish) - LEFT),
                height=10,
                fill=colour,
                title=text,
            )
        )
        y += 32

    legend = _("红色为关键路径上的事项，菱形为即办件")
    shapes.append(Shape("text", LEFT, y - 4, text=legend, size=10, fill=MUTED))
    y += 12
    top = y - 8
    groups = [
        (s.order, _("第%(order)d阶段 %(name)s") % {"order": s.order, "name": s.name})
        for s in result.stages
    ]
    if any(i.stage is None for i in result.items):
        groups.append((None, _("前置事项") if result.stages else _("事项")))
    for order, heading in groups:
        members = sorted(
            (i for i in result.items if i.stage == order), key=lambda i: (i.start, i.due, i.code)
        )
        if not members:
            continue
        y += 4
        shapes.append(Shape("text", LEFT, y, text=_short(heading, 24), size=12, bold=True))
        y += 16
        for item in members:
            dates = f"{item.start:%m-%d}→{item.due:%m-%d}"
            name = f"{item.code} {_short(item.name)}"
            title = _("%(code)s %(name)s（%(department)s）%(start)s 至 %(due)s，%(limit)s") % {
                "code": item.code,
                "name": item.name,
                "department": item.department,
                "start": item.start.isoformat(),
                "due": item.due.isoformat(),
                "limit": display_limit(item.limit),
            }
            colour = RED if item.critical else BLUE
            shapes.append(Shape("text", LEFT, y, text=name, size=11, fill=INK))
            shapes.append(
                Shape("text", WIDTH - RIGHT, y, text=dates, size=10, anchor="end", fill=MUTED)
            )
            x0, x1 = x(item.start), x(item.due)
            if item.due == item.start:
                cx, cy = x0, y + 8
                points = f"{cx},{cy - 5} {cx + 5},{cy} {cx},{cy + 5} {cx - 5},{cy}"
                shapes.append(Shape("diamond", cx, cy, fill=colour, title=title, points=points))
            else:
                shapes.append(
                    Shape(
                        "rect",
                        x0,
                        y + 4,
                        width=max(2.0, x1 - x0),
                        height=8,
                        fill=colour,
                        title=title,
                    )
                )
            y += 26
    finish_x = x(result.finish)
    shapes.append(Shape("line", finish_x, top, x2=finish_x, y2=y - 6, fill=RED))
    y += 6
    shapes.append(Shape("text", LEFT, y, text=result.start.isoformat(), size=10, fill=MUTED))
    shapes.append(
        Shape(
            "text",
            WIDTH - RIGHT,
            y,
            text=result.serial_finish.isoformat(),
            size=10,
            anchor="end",
            fill=MUTED,
        )
    )
    description = _(
        "自%(start)s起并联办理，%(finish)s办结，共%(days)d个工作日；串联办理需至%(serial_finish)s，"
        "共%(serial)d个工作日。"
    ) % {
        **params,
        "start": result.start.isoformat(),
        "finish": result.finish.isoformat(),
        "serial_finish": result.serial_finish.isoformat(),
    }
    return Chart(WIDTH, y + 8, headline, description, shapes)
