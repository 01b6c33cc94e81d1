"""Overhead of sklr's training loop against a plain scikit-learn fit.

Each ratio is (CPU time of the sklr fit) / (CPU time of the native fit of
the same model for the same number of epochs at a constant rate), measured in
the same process with BLAS on one thread, as the median of several
interleaved runs. sklr's time includes the per-epoch loss measurement that
fills ``loss_curve_`` and checks for divergence. The native baseline runs at a
constant rate; the per-batch cosine case shows what a rate that changes at
every batch costs. An MLP epoch in sklr runs the network's own forward,
backward and optimizer steps on the solver's mini-batches, without the input
checks the solver's helpers repeat on every mini-batch (it trains bit for bit
as ``partial_fit`` does, see ``sklr._adapters._mlp``): that saves more than
the per-epoch check costs, so its ratio can be below 1.

Fits of one epoch, interleaved with the others, split each fit's time into a
one-time setup (validation, initialisation) and the cost of each further
epoch: the per-epoch ratio compares the latter, (t_n - t_1) / (n - 1), and
the setup column gives ``t_1`` minus one such epoch for both.

Within a process the fits run in a fresh random order in every round: a
fit that always followed the same other fit would carry that neighbour's
effect on the caches and the allocator into its time.

The ratios of one process move by several per cent from one process to the
next (where its arrays land in memory matters on data of megabytes), more
than the runs within a process: the full run measures in ``--processes``
fresh processes and reports, for every figure, the median over them.

    python benchmarks/overhead.py            # full run, prints a table
    python benchmarks/overhead.py --quick    # small and fast, to prove it runs
    python benchmarks/overhead.py --write docs/_generated/overhead.md
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklr import LRTunedMLPClassifier, LRTunedSGDClassifier


def datasets(quick):
    X, y = load_digits(return_X_y=True)
    yield "digits (1797x64, 10 classes)", StandardScaler().fit_transform(X), y
    n = 2000 if quick else 20000
    X, y = make_classification(n, 50, n_informative=20, random_state=0)
    X = StandardScaler().fit_transform(X)
    yield f"synthetic ({n}x50, binary)", X, y
    # Rows given more than once (records repeated, discrete features) tie in
    # the canonical row order of sklr's SGD, which then orders them by target.
    half = n // 2
    twice = np.repeat(X[:half], 2, axis=0), np.repeat(y[:half], 2)
    yield f"synthetic, {half} rows each given twice", *twice


#: Data sets measured on some cases only: (data name start, case name start).
ONLY = {"synthetic, ": "SGD"}


def cases(epochs):
    """(name, native model factory, sklr model factory) triples."""
    sgd = dict(loss="log_loss", alpha=1e-4)
    yield (
        "SGD, step per epoch",
        lambda: SGDClassifier(
            **sgd, learning_rate="constant", eta0=0.01, max_iter=epochs, tol=None, random_state=0
        ),
        lambda: LRTunedSGDClassifier(**sgd, lr=0.01, max_iter=epochs, random_state=0),
    )
    for schedule in ("constant", "cosine"):
        # At one rate, consecutive batches run as one compiled pass; a cosine
        # schedule changes the rate at every batch, so each is its own pass.
        yield (
            f"SGD, step per batch of 256, {schedule}",
            lambda: SGDClassifier(
                **sgd,
                learning_rate="constant",
                eta0=0.01,
                max_iter=epochs,
                tol=None,
                random_state=0,
            ),
            lambda schedule=schedule: LRTunedSGDClassifier(
                **sgd,
                lr=0.01,
                schedule=schedule,
                max_iter=epochs,
                step_every="batch",
                batch_size=256,
                random_state=0,
            ),
        )
    mlp = dict(hidden_layer_sizes=(64,), batch_size=256)

    def native_mlp():
        return MLPClassifier(
            **mlp,
            learning_rate_init=0.001,
            max_iter=epochs,
            tol=0.0,
            n_iter_no_change=epochs + 1,
            random_state=0,
        )

    yield (
        "MLP adam, step per epoch",
        native_mlp,
        lambda: LRTunedMLPClassifier(**mlp, lr=0.001, max_iter=epochs, random_state=0),
    )
    yield (
        "MLP adam, step per batch of 256, cosine",
        native_mlp,
        lambda: LRTunedMLPClassifier(
            **mlp,
            lr=0.001,
            schedule="cosine",
            max_iter=epochs,
            step_every="batch",
            random_state=0,
        ),
    )


def cpu_seconds(make, X, y):
    model = make()
    start = time.process_time()
    model.fit(X, y)
    return time.process_time() - start


def measure(quick=False, repeats=None, epochs=None, seed=0):
    repeats = repeats or (2 if quick else 15)
    epochs = epochs or (3 if quick else 20)
    if epochs < 2:
        raise ValueError(f"epochs={epochs}: at least 2 are needed to split setup from epochs.")
    rows = []
    order_rng = np.random.RandomState(seed)
    with threadpool_limits(1), warnings.catch_warnings():
        # The native MLP warns that it ran out of epochs, as it is asked to.
        warnings.simplefilter("ignore", ConvergenceWarning)
        for data_name, X, y in datasets(quick):
            only = next((case for data, case in ONLY.items() if data_name.startswith(data)), "")
            for (case_name, native, tuned), (_, native_1, tuned_1) in zip(
                cases(epochs), cases(1), strict=True
            ):
                if not case_name.startswith(only):
                    continue
                cpu_seconds(tuned, X, y)  # warm-up: one-time compatibility checks
                makers = (native, tuned, native_1, tuned_1)
                times = [[] for _ in makers]
                for _ in range(repeats):
                    # A fit runs slower right after a fit of the other kind
                    # (measured: about 2% for the SGD cases), so no fit may
                    # always follow the same one: each round has its own order.
                    for i in order_rng.permutation(len(makers)):
                        times[i].append(cpu_seconds(makers[i], X, y))
                b, o, b1, o1 = (statistics.median(spent) for spent in times)
                per_epoch_base, per_epoch_ours = (b - b1) / (epochs - 1), (o - o1) / (epochs - 1)
                rows.append(
                    {
                        "data": data_name,
                        "case": case_name,
                        "epochs": epochs,
                        "native_s": b,
                        "sklr_s": o,
                        "ratio": o / b,
                        "per_epoch_ratio": per_epoch_ours / per_epoch_base,
                        "setup_native_ms": 1e3 * (b1 - per_epoch_base),
                        "setup_sklr_ms": 1e3 * (o1 - per_epoch_ours),
                    }
                )
    return rows


def kernel_call_floor(quick=False, repeats=None, epochs=None):
    """scikit-learn's compiled SGD loop alone, called once per epoch against once per fit.

    Stepping the rate per epoch means calling the loop that
    ``SGDClassifier.fit`` runs (``_plain_sgd``, once per one-vs-rest problem)
    once per problem *and epoch*, each call with its own set-up and its own
    row dataset. No sklr code runs here: the ratio is the floor of any
    per-epoch stepping through that loop. Both variants skip the per-sample
    running loss (as sklr's epochs do), so the difference is the calls
    alone; the native fit adds that loss up, which the last ratio includes.
    """
    from sklearn.linear_model._sgd_fast import _plain_sgd64
    from sklearn.utils._seq_dataset import ArrayDataset64

    repeats = repeats or (2 if quick else 15)
    epochs = epochs or (3 if quick else 20)
    model = SGDClassifier(loss="log_loss", alpha=1e-4)
    loss, penalty = model._get_loss_function("log_loss"), model._get_penalty_type("l2")
    constant = model._get_learning_rate_type("constant")

    def train(X, problems, calls, epochs_per_call, running_loss=False):
        coef, intercept = np.zeros((len(problems), X.shape[1])), np.zeros(len(problems))
        mask, weight = np.zeros(X.shape[0], dtype=np.uint8), np.ones(X.shape[0])
        # early_stopping=True with no held-out row only skips the running loss.
        skip_loss = not running_loss
        for call in range(calls):
            for k, target in enumerate(problems):
                _, intercept[k], *_ = _plain_sgd64(
                    coef[k], intercept[k], None, 0.0, loss, penalty, 1e-4, 0.15,
                    ArrayDataset64(X, target, weight, 1), mask, skip_loss, lambda c, i: 0.0,
                    5, epochs_per_call, -np.inf, 1, 0, True, call + 1, 1.0, 1.0,
                    constant, 0.01, 0.5, 0, 1.0, 1.0, 0,
                )  # fmt: skip

    rows = []
    order_rng = np.random.RandomState(0)
    with threadpool_limits(1):
        for data_name, X, y in datasets(quick):
            if any(data_name.startswith(data) for data in ONLY):
                continue  # the same calls as the data it is made from
            classes = np.unique(y)
            positive = classes[1:] if len(classes) == 2 else classes
            problems = [np.ascontiguousarray(y == c, dtype=np.float64) for c in positive]
            per_fit, per_epoch, native = [], [], []
            variants = ((per_fit, 1, epochs, False), (per_epoch, epochs, 1, False))
            variants += ((native, 1, epochs, True),)
            for _, calls, per_call, running_loss in variants:  # warm-up
                train(X, problems, calls, per_call, running_loss)
            for _ in range(repeats):
                for i in order_rng.permutation(len(variants)):  # as in measure()
                    spent, calls, per_call, running_loss = variants[i]
                    start = time.process_time()
                    train(X, problems, calls, per_call, running_loss)
                    spent.append(time.process_time() - start)
            once, every = statistics.median(per_fit), statistics.median(per_epoch)
            extra_calls = len(problems) * (epochs - 1)
            rows.append(
                {
                    "data": data_name,
                    "epochs": epochs,
                    "problems": len(problems),
                    "per_fit_s": once,
                    "per_epoch_s": every,
                    "ratio": every / once,
                    "us_per_call": 1e6 * (every - once) / extra_calls,
                    "native_s": statistics.median(native),
                    "ratio_to_native": every / statistics.median(native),
                }
            )
    return rows


def floor_to_markdown(rows):
    lines = [
        "| data | epochs | one-vs-rest problems | one call per fit, CPU s "
        "| one call per epoch, CPU s | ratio | cost of a call, us "
        "| native loop (adds up the loss), CPU s | one call per epoch / native loop |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['data']} | {r['epochs']} | {r['problems']} | {r['per_fit_s']:.4f} "
            f"| {r['per_epoch_s']:.4f} | {r['ratio']:.3f} | {r['us_per_call']:.1f} "
            f"| {r['native_s']:.4f} | {r['ratio_to_native']:.3f} |"
        )
    return "\n".join(lines) + "\n"


def measure_in_processes(processes, repeats):
    """``measure()`` in ``processes`` fresh processes; every figure the median over them."""
    runs = []
    for seed in range(processes):  # each process its own orders
        out = subprocess.run(
            [sys.executable, __file__, "--json", "--repeats", str(repeats), "--seed", str(seed)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs.append(json.loads(out))
    rows = []
    for same_case in zip(*runs, strict=True):
        row = dict(same_case[0])
        for key, value in row.items():
            if isinstance(value, float):
                row[key] = statistics.median(r[key] for r in same_case)
        row["ratio_range"] = (
            min(r["ratio"] for r in same_case),
            max(r["ratio"] for r in same_case),
        )
        rows.append(row)
    return rows


def to_markdown(rows):
    lines = [
        "| data | case | epochs | native CPU s | sklr CPU s | ratio (range over processes) "
        "| per-epoch ratio | setup ms, native / sklr |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        low, high = r.get("ratio_range", (r["ratio"], r["ratio"]))
        lines.append(
            f"| {r['data']} | {r['case']} | {r['epochs']} | {r['native_s']:.4f} "
            f"| {r['sklr_s']:.4f} | {r['ratio']:.3f} ({low:.2f}-{high:.2f}) "
            f"| {r['per_epoch_ratio']:.3f} "
            f"| {r['setup_native_ms']:.1f} / {r['setup_sklr_ms']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--write", metavar="PATH")
    parser.add_argument("--processes", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=None, help="runs per process")
    parser.add_argument("--json", action="store_true", help="one process's rows, as JSON")
    parser.add_argument("--seed", type=int, default=0, help="seed of the order of the fits")
    args = parser.parse_args(argv)
    if args.json:
        print(json.dumps(measure(repeats=args.repeats, seed=args.seed)))
        return None
    if args.quick:
        rows = measure(quick=True)
    else:
        rows = measure_in_processes(args.processes, args.repeats or 7)
    floor = kernel_call_floor(quick=args.quick)
    table = (
        to_markdown(rows)
        + "\nThe floor of per-epoch stepping: scikit-learn's compiled SGD loop alone "
        "(no sklr code), called once per one-vs-rest problem and epoch against once "
        "per problem for the whole fit (see `kernel_call_floor`; median of interleaved "
        "runs in random order, in this one process).\n\n" + floor_to_markdown(floor)
    )
    print(table)
    if args.write:
        with open(args.write, "w") as fh:
            fh.write(
                "<!-- generated by benchmarks/overhead.py; do not edit by hand -->\n\n" + table
            )
    return table


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
