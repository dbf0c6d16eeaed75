"""The short chaos run in the PostgreSQL pass of `make test`: gunicorn SIGKILLed twice and
PostgreSQL crashed once under load, and nothing acknowledged is lost (scripts/chaos.py).
The run brings its own throwaway PostgreSQL, so the suite's database is never disturbed."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]


def test_killing_the_server_and_the_database_under_load_loses_nothing():
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "chaos.py"), "--short"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        process.terminate()  # SIGTERM: the script stops its PostgreSQL on the way out
        output, _ = process.communicate(timeout=60)
        pytest.fail(f"scripts/chaos.py --short ran over 300 s:\n{output}")
    print(output)
    assert process.returncode == 0, output
    assert "LOST NOTHING" in output
