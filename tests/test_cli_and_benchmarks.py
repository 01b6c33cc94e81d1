"""The demo and the benchmark scripts run (quick modes; no timing is asserted)."""

import importlib.util
import pathlib

from sklr.__main__ import DEMO_SCHEDULES, format_table, main, run_demo

ROOT = pathlib.Path(__file__).resolve().parents[1]


def load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_demo_trains_every_model_under_every_schedule():
    rows = run_demo(random_state=0)
    assert len(rows) == 2 * len(DEMO_SCHEDULES)
    assert all(r["test accuracy"] > 0.9 for r in rows)
    assert {r["schedule"] for r in rows} == set(DEMO_SCHEDULES)
    table = format_table(rows)
    assert "one-cycle" in table and "test acc" in table


def test_demo_command_prints_the_table(capsys):
    main(["demo"])
    out = capsys.readouterr().out
    assert out.count("SGD (log loss)") == len(DEMO_SCHEDULES)


def test_overhead_benchmark_runs(tmp_path):
    bench = load("overhead")
    rows = bench.measure(quick=True, repeats=1, epochs=2)
    assert len(rows) == 10 and all(r["ratio"] > 0 for r in rows)
    assert bench.to_markdown(rows).count("\n") == 12
