# The small hand-worked catalog of the cases tests, reused by the public pages' tests.
from tests.cases.conftest import all_papers, catalog, travel  # noqa: F401
