"""The demo and the benchmark scripts run (quick modes; no timing is asserted)."""

import importlib.util
import pathlib
import re
import subprocess
import sys

import pytest

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
    for r in rows:
        assert r["epochs"] == 30 and r["fit seconds"] > 0 and r["final lr"] > 0
        assert 0 < r["final loss"] < 1
    # One header row, a rule, and one line per fit with every column filled.
    lines = format_table(rows).splitlines()
    assert lines[0].split() == [
        "model",
        "schedule",
        "final",
        "lr",
        "epochs",
        "train",
        "loss",
        "test",
        "acc",
        "fit",
        "s",
    ]
    assert len(lines) == 2 + len(rows) and "one-cycle" in "\n".join(lines)


def test_demo_command_prints_the_table(capsys):
    main(["demo"])
    out = capsys.readouterr().out
    assert out.count("SGD (log loss)") == len(DEMO_SCHEDULES)


def test_the_package_imports_without_docstrings():
    """python -OO drops docstrings; the estimators build theirs from parts."""
    code = "import sklr; sklr.LRTunedSGDClassifier(max_iter=2).fit([[0.0], [1.0]], [0, 1])"
    subprocess.run([sys.executable, "-OO", "-c", code], check=True)


def test_overhead_benchmark_runs(tmp_path):
    bench = load("overhead")
    rows = bench.measure(quick=True, repeats=1, epochs=2)
    assert len(rows) == 13 and all(r["ratio"] > 0 for r in rows)
    assert bench.to_markdown(rows).count("\n") == 15
    floor = bench.kernel_call_floor(quick=True, repeats=1, epochs=2)
    assert [r["problems"] for r in floor] == [10, 1]
    assert all(r["per_fit_s"] > 0 and r["per_epoch_s"] > 0 for r in floor)
    assert bench.floor_to_markdown(floor).count("\n") == 4


def readme_examples():
    """The README's Python examples that are not doctests (those run as doctests)."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    return [b for b in blocks if not b.lstrip().startswith(">>>")]


@pytest.mark.parametrize("code", readme_examples(), ids=lambda code: code.splitlines()[0])
def test_readme_example_runs(code, monkeypatch):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.setattr(plt, "show", lambda: None)
    exec(compile(code, "README.md", "exec"), {})
    plt.close("all")
