"""Schemathesis against /api/openapi.json, as every role: no 5xx, and every answer is one the
schema declares, in the shape it declares.

Requests go in-process to Django's WSGI application, inside the test's transaction, so the
same test runs on SQLite and PostgreSQL. Each operation gets FUZZ_EXAMPLES generated
requests per role (a few in `make test`, many in `make fuzz`): data that fits the schema,
data that does not, and fitting data aimed at the ids of real objects of the small county in
api_world.py, so that requests reach the domain code rather than stopping at 404."""

import os
import time
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from .api_world import (  # noqa: F401
    ROLES,
    all_papers,
    authorised_agent,
    catalog,
    seal_keys,
    world,
    wsgi_app,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
# The bounded run in `make test` is the same every time (a failure there is reproducible);
# `make fuzz` sets FUZZ_RANDOM=1 to look somewhere new on each run.
DERANDOMIZE = os.environ.get("FUZZ_RANDOM", "") != "1"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def _strategy(operation, ids):
    """Generated requests, a third of them aimed at real objects."""
    positive = operation.as_strategy(schemathesis.GenerationMode.POSITIVE)
    negative = operation.as_strategy(schemathesis.GenerationMode.NEGATIVE)
    names = [p.name for p in operation.path_parameters]
    if not names or not all(ids.get(n) for n in names):
        return st.one_of(positive, negative)
    aimed = st.fixed_dictionaries({n: st.sampled_from(ids[n]) for n in names}).flatmap(
        lambda ids: operation.as_strategy(schemathesis.GenerationMode.POSITIVE, path_parameters=ids)
    )
    return st.one_of(positive, negative, aimed)


def _fuzz(operation, ids, headers, statuses: Counter):
    """Run the operation's examples; returns how many requests were sent."""
    sent = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=DERANDOMIZE,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation, ids))
    def send(case):
        response = case.call(headers=headers)
        sent.append(response.status_code)
        statuses[response.status_code] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    send()
    return len(sent)


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_as_its_schema_says(role, world, wsgi_app):  # noqa: F811
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    sent = Counter()
    statuses = Counter()
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        sent[operation.label] = _fuzz(operation, world["ids"], world["headers"][role], statuses)
    print(
        f"\nschemathesis as {role}: {sum(sent.values())} requests over {len(sent)} operations "
        f"in {time.monotonic() - started:.1f} s; statuses {dict(sorted(statuses.items()))}"
    )
    assert all(sent.values()) and len(sent) == len(list(schema.get_all_operations()))
