"""How good is ``lr='auto'``? And how close is the range test to the best constant rate?

Two measurements on standardized data sets, each split 75/25 (stratified):

1. ``auto``: for the constant, cosine and one-cycle schedules at 10 epochs,
   the test accuracy of ``LRTunedSGDClassifier(lr='auto')`` against the best
   test accuracy over a grid of rates (log-spaced, 1e-4 .. 1).
2. ``suggestion``: the range test's 'valley' suggestion against the best
   constant rate over a grid of 1e-6 .. 10 (log-spaced, 22 values), scored on
   the test split; reported as a ratio.

    python benchmarks/lr_auto.py                  # both tables
    python benchmarks/lr_auto.py --quick          # fewer data sets, to prove it runs
    python benchmarks/lr_auto.py --write docs/_generated/lr_auto.md
"""

import argparse
import warnings

import numpy as np
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_wine,
    make_classification,
)
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklr import LRTunedSGDClassifier, LRTunedSGDRegressor, lr_find

SCHEDULES = ("constant", "cosine", "onecycle")
EPOCHS = 10


def classification_sets(quick):
    yield "digits", *load_digits(return_X_y=True)
    yield "breast cancer", *load_breast_cancer(return_X_y=True)
    if quick:
        return
    yield "wine", *load_wine(return_X_y=True)
    yield (
        "synthetic binary",
        *make_classification(4000, 20, n_informative=8, flip_y=0.05, random_state=1),
    )
    yield (
        "synthetic 4-class",
        *make_classification(4000, 30, n_informative=12, n_classes=4, random_state=2),
    )


def split(X, y, stratify=True):
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=0.25, stratify=y if stratify else None, random_state=0
    )
    scaler = StandardScaler().fit(X_tr)
    return scaler.transform(X_tr), scaler.transform(X_te), y_tr, y_te


def model(**params):
    return LRTunedSGDClassifier(loss="log_loss", max_iter=EPOCHS, random_state=0, **params)


def auto_rows(quick):
    grid = np.logspace(-4, 0, 9)
    for name, X, y in classification_sets(quick):
        X_tr, X_te, y_tr, y_te = split(X, y)
        for schedule in SCHEDULES:
            scores = {
                lr: model(lr=lr, schedule=schedule).fit(X_tr, y_tr).score(X_te, y_te)
                for lr in grid
            }
            best_lr = max(scores, key=scores.get)
            auto = model(lr="auto", schedule=schedule).fit(X_tr, y_tr)
            score = auto.score(X_te, y_te)
            yield {
                "data": name,
                "schedule": schedule,
                "auto lr": auto.lr_finder_.lr,
                "auto acc": score,
                "best grid lr": best_lr,
                "best grid acc": scores[best_lr],
                "gap (points)": 100 * (scores[best_lr] - score),
            }


def suggestion_rows(quick):
    grid = np.logspace(-6, 1, 22)
    sets = [(n, X, y, model) for n, X, y in list(classification_sets(quick))[:2]]
    X, y = load_diabetes(return_X_y=True)
    sets.append(
        (
            "diabetes (regression)",
            X,
            (y - y.mean()) / y.std(),
            lambda **p: LRTunedSGDRegressor(max_iter=EPOCHS, random_state=0, **p),
        )
    )
    for name, X, y, make in sets:
        X_tr, X_te, y_tr, y_te = split(X, y, stratify=make is model)
        scores = {}
        for lr in grid:
            try:
                scores[lr] = make(lr=lr, on_divergence="raise").fit(X_tr, y_tr).score(X_te, y_te)
            except ValueError:
                scores[lr] = -np.inf
        best_lr = max(scores, key=scores.get)
        found = lr_find(make(), X_tr, y_tr, random_state=0)
        yield {
            "data": name,
            "valley": found.suggestion,
            "best constant lr": best_lr,
            "ratio": found.suggestion / best_lr,
        }


def markdown(rows, formats):
    rows = list(rows)
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [formats.get(k, "{}").format(r[k]) for k in head]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n", rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--write", metavar="PATH")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    auto_md, auto = markdown(
        auto_rows(args.quick),
        {
            "auto lr": "{:.3g}",
            "auto acc": "{:.4f}",
            "best grid lr": "{:.3g}",
            "best grid acc": "{:.4f}",
            "gap (points)": "{:+.2f}",
        },
    )
    sugg_md, _ = markdown(
        suggestion_rows(args.quick),
        {"valley": "{:.3g}", "best constant lr": "{:.3g}", "ratio": "{:.2f}"},
    )
    within = sum(r["gap (points)"] <= 0.5 for r in auto)
    text = (
        f"lr='auto' vs the best grid rate ({EPOCHS} epochs, LRTunedSGDClassifier, log loss):\n\n"
        + auto_md
        + f"\nwithin 0.5 points: {within} of {len(auto)}\n\n"
        + "Range-test suggestion vs the best constant rate:\n\n"
        + sugg_md
    )
    print(text)
    if args.write:
        with open(args.write, "w") as fh:
            fh.write("<!-- generated by benchmarks/lr_auto.py; do not edit by hand -->\n\n" + text)
    return auto


if __name__ == "__main__":
    main()
