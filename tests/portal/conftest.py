# The small hand-worked catalog of the cases tests, and their cases, reused by the public
# pages' tests.
from tests.cases.conftest import (  # noqa: F401
    accepted,
    all_papers,
    catalog,
    referred,
    submitted,
    travel,
)
