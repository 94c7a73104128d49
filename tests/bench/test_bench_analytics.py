"""bench/bench_analytics.py runs end to end at a small size on PostgreSQL, so it does not rot:
generation by COPY, the refresh, every page's queries and charts, the table of times."""

from __future__ import annotations

import importlib.util
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_analytics.py"


@pytest.mark.postgres
def test_the_benchmark_runs_small(capsys: pytest.CaptureFixture[str]) -> None:
    if not POSTGRES_URL:
        pytest.skip("CREDSTACK_TEST_POSTGRES_URL is not set")
    spec = importlib.util.spec_from_file_location("bench_analytics", BENCH)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_analytics"] = bench  # its dataclasses look their module up
    spec.loader.exec_module(bench)
    name = f"credstack_bench_test_{uuid.uuid4().hex[:8]}"
    assert (
        bench.main(
            ["--learners", "400", "--runs", "1", "--postgres", POSTGRES_URL, "--database", name, "--drop"]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "awards 4,000" in out  # ten per learner
    for page in ("progression", "velocity", "employment", "roi", "equity", "engagement"):
        assert f"\n{page} " in out
    assert "x full scan" in out and "slowest page" in out
