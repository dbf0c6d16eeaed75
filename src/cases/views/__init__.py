"""The case pages, for every audience: applicant and agent, window clerk, reviewer, lead
department, supervisor. Every change goes through the engine (engine.py, intake.py,
review.py); every lookup goes through `visible_to`, so what is not the user's answers 404."""

from .applicant import (
    agents,
    apply,
    my_cases,
    revoke_agent,
    supply_notice,
    supply_shortfall,
    supply_supplement,
    withdraw,
)
from .board import audit, board
from .case import case_detail, home, material_file, notifications, notifications_read
from .lead import convene, decide, fast_track, led_cases, meeting, resume, suspend
from .reviewer import task_detail, task_list
from .window import intake_check, intake_queue

__all__ = [
    "agents",
    "apply",
    "audit",
    "board",
    "case_detail",
    "convene",
    "decide",
    "fast_track",
    "home",
    "intake_check",
    "intake_queue",
    "led_cases",
    "material_file",
    "meeting",
    "my_cases",
    "notifications",
    "notifications_read",
    "resume",
    "revoke_agent",
    "supply_notice",
    "supply_shortfall",
    "supply_supplement",
    "suspend",
    "task_detail",
    "task_list",
    "withdraw",
]
