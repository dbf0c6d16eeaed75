"""A county that names its own service centre but leaves the remedy bodies at the demo
county's would send every refused applicant to the wrong government and court. Said by
`lianban serve`, `migrate` and `check`, in the console's Chinese."""

from django.conf import settings
from django.core import checks

DEMO_CENTRE = "示范县行政审批局"
# environment variable: (setting, the demo county's value, what it is)
DEMO_BODIES = {
    "LIANBAN_RECONSIDERATION_BODY": ("RECONSIDERATION_BODY", "示范县人民政府", "行政复议机关"),
    "LIANBAN_COURT": ("COURT_NAME", "示范县人民法院", "行政诉讼管辖法院"),
}


@checks.register()
def remedy_bodies_are_the_countys(app_configs=None, **kwargs):
    if settings.SERVICE_CENTRE_NAME == DEMO_CENTRE:
        return []
    return [
        checks.Warning(
            f"{variable} 仍是示范县的“{demo}”，而 LIANBAN_SERVICE_CENTRE 已设为"
            f"“{settings.SERVICE_CENTRE_NAME}”：批复文件告知救济途径时会写错{what}。",
            hint=f"请把 {variable} 设为本县的{what}（README.md，Configuration）。",
            id="documents.W001",
        )
        for variable, (name, demo, what) in DEMO_BODIES.items()
        if getattr(settings, name) == demo
    ]
