import logging

import pytest


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def security_log():
    """The records sent to the "lianban.security" logger (it does not propagate to root)."""
    handler = _Collect()
    logger = logging.getLogger("lianban.security")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


def events(records) -> list[str]:
    return [r.security["event"] for r in records]
