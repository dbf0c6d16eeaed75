"""The project's settings, with one change for the web benchmark: the URLconf adds a bare
view (benchmarks/web_urls.py), so that production code has nothing for it."""

from lianban import settings as _project

# Every setting of the project (its `__all__` keeps `import *` from bringing them).
globals().update({name: value for name, value in vars(_project).items() if name.isupper()})

ROOT_URLCONF = "benchmarks.web_urls"
