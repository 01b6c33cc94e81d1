"""How good is ``lr='auto'``? And how close is the range test to the best constant rate?

Two measurements on standardized data sets, each split 75/25 (stratified):

1. ``auto``: for the constant, cosine and one-cycle schedules at 10 epochs,
   the test accuracy of ``LRTunedSGDClassifier(lr='auto')`` against the best
   test accuracy over a grid of rates (log-spaced, 1e-4 .. 1, 9 values).
   Both are averaged over ``SPLITS`` random splits (the grid's best is the
   rate with the best mean), so that one test sample more or less on a small
   test set does not decide.
   The same for the MLP models (adam, one hidden layer of 32, the constant
   schedule): test accuracy or R^2 against the best grid rate.
2. ``suggestion``: the range test's suggestion (median over the splits)
   against the best constant rate over a grid of 1e-6 .. 10 (log-spaced,
   22 values; the rate with the best mean test score over ``SPLITS``
   splits), reported as a ratio.

    python benchmarks/lr_auto.py                  # both tables
    python benchmarks/lr_auto.py --quick          # fewer data sets, to prove it runs
    python benchmarks/lr_auto.py --write docs/_generated/lr_auto.md
"""

import argparse
import warnings
from functools import partial

import numpy as np
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_wine,
    make_classification,
    make_regression,
)
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklr import (
    LRTunedMLPClassifier,
    LRTunedMLPRegressor,
    LRTunedSGDClassifier,
    LRTunedSGDRegressor,
    lr_find,
)

SCHEDULES = ("constant", "cosine", "onecycle")
EPOCHS = 10
SPLITS = 20


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


def split(X, y, stratify=True, seed=0):
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=0.25, stratify=y if stratify else None, random_state=seed
    )
    scaler = StandardScaler().fit(X_tr)
    return scaler.transform(X_tr), scaler.transform(X_te), y_tr, y_te


def model(**params):
    return LRTunedSGDClassifier(loss="log_loss", max_iter=EPOCHS, random_state=0, **params)


def auto_rows(quick):
    for name, X, y in classification_sets(quick):
        splits = [split(X, y, seed=seed) for seed in range(SPLITS)]
        for schedule in SCHEDULES:
            row = auto_against_grid(partial(model, schedule=schedule), splits)
            yield {"data": name, "schedule": schedule, **row}


def auto_against_grid(make, splits, score="acc"):
    """``make(lr='auto')`` against the best rate of the grid, mean test scores over ``splits``."""
    grid = np.logspace(-4, 0, 9)
    scores = {
        lr: np.mean([make(lr=lr).fit(a, c).score(b, d) for a, b, c, d in splits]) for lr in grid
    }
    best_lr = max(scores, key=scores.get)
    autos = [make(lr="auto").fit(a, c) for a, b, c, d in splits]
    auto = np.mean([m.score(b, d) for m, (a, b, c, d) in zip(autos, splits, strict=True)])
    return {
        "auto lr (median)": float(np.median([m.lr_finder_.lr for m in autos])),
        f"auto {score}": auto,
        "best grid lr": best_lr,
        f"best grid {score}": scores[best_lr],
        "gap (points)": 100 * (scores[best_lr] - auto),
    }


def mlp_classifier(**params):
    return LRTunedMLPClassifier(
        hidden_layer_sizes=(32,), max_iter=EPOCHS, random_state=0, **params
    )


def mlp_auto_rows(quick):
    """lr='auto' for the MLP models (constant schedule) against the best grid rate."""
    X, y = load_diabetes(return_X_y=True)
    sets = [("diabetes (MLP regressor)", X, (y - y.mean()) / y.std(), mlp_regressor, False)]
    if not quick:
        for name, X, y in list(classification_sets(quick))[:2]:
            sets.append((f"{name} (MLP classifier)", X, y, mlp_classifier, True))
        X, y = make_regression(2000, 20, n_informative=10, noise=20, random_state=0)
        sets.append(("synthetic regression (MLP regressor)", X, y / y.std(), mlp_regressor, False))
    for name, X, y, make, stratify in sets:
        splits = [split(X, y, stratify=stratify, seed=seed) for seed in range(SPLITS)]
        yield {"data": name, **auto_against_grid(make, splits, score="score")}


def regressor(**params):
    return LRTunedSGDRegressor(max_iter=EPOCHS, random_state=0, **params)


def mlp_regressor(**params):
    return LRTunedMLPRegressor(hidden_layer_sizes=(32,), max_iter=EPOCHS, random_state=0, **params)


def suggestion_sets(quick):
    """(name, X, y, model factory, stratify) for the suggestion measurement."""
    for name, X, y in list(classification_sets(quick))[:2]:
        yield f"{name} (SGD classifier)", X, y, model, True
    X, y = load_diabetes(return_X_y=True)
    y = (y - y.mean()) / y.std()
    yield "diabetes (SGD regressor)", X, y, regressor, False
    if quick:
        return
    yield "diabetes (MLP regressor, adam)", X, y, mlp_regressor, False
    X, y = make_regression(2000, 20, n_informative=10, noise=20, random_state=0)
    yield "synthetic regression (SGD regressor)", X, y / y.std(), regressor, False
    yield "synthetic regression (MLP regressor, adam)", X, y / y.std(), mlp_regressor, False


def suggestion_rows(quick):
    """The suggestion against the rate with the best mean test score over ``SPLITS`` splits."""
    grid = np.logspace(-6, 1, 22)
    for name, X, y, make, stratify in suggestion_sets(quick):
        splits = [split(X, y, stratify=stratify, seed=seed) for seed in range(SPLITS)]
        scores = {lr: np.mean([_score(make, lr, *parts) for parts in splits]) for lr in grid}
        best_lr = max(scores, key=scores.get)
        suggestions = [
            lr_find(make(), X_tr, y_tr, random_state=0).suggestion for X_tr, _, y_tr, _ in splits
        ]
        suggestion = float(np.median(suggestions))
        yield {
            "data": name,
            "suggestion (median)": suggestion,
            "best constant lr": best_lr,
            "ratio": suggestion / best_lr,
            "test score at suggestion": np.mean(
                [_score(make, suggestion, *parts) for parts in splits]
            ),
            "best test score": scores[best_lr],
        }


def _score(make, lr, X_tr, X_te, y_tr, y_te):
    """Test score of a fit at the constant rate ``lr``; -inf if it diverges."""
    try:
        return make(lr=lr, on_divergence="raise").fit(X_tr, y_tr).score(X_te, y_te)
    except ValueError:
        return -np.inf


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
            "auto lr (median)": "{:.3g}",
            "auto acc": "{:.4f}",
            "best grid lr": "{:.3g}",
            "best grid acc": "{:.4f}",
            "gap (points)": "{:+.2f}",
        },
    )
    mlp_md, _ = markdown(
        mlp_auto_rows(args.quick),
        {
            "auto lr (median)": "{:.3g}",
            "auto score": "{:.4f}",
            "best grid lr": "{:.3g}",
            "best grid score": "{:.4f}",
            "gap (points)": "{:+.2f}",
        },
    )
    sugg_md, _ = markdown(
        suggestion_rows(args.quick),
        {
            "suggestion (median)": "{:.3g}",
            "best constant lr": "{:.3g}",
            "ratio": "{:.2f}",
            "test score at suggestion": "{:.4f}",
            "best test score": "{:.4f}",
        },
    )
    within = {
        schedule: sum(r["gap (points)"] <= 0.5 for r in auto if r["schedule"] == schedule)
        for schedule in SCHEDULES
    }
    n_sets = len(auto) // len(SCHEDULES)
    text = (
        f"lr='auto' vs the best grid rate ({EPOCHS} epochs, LRTunedSGDClassifier, log loss):\n\n"
        + auto_md
        + "\nwithin 0.5 points of the best grid rate: "
        + ", ".join(f"{s} {k} of {n_sets}" for s, k in within.items())
        + "\n\n"
        + f"lr='auto' for the MLP models ({EPOCHS} epochs, adam, 32 hidden units, constant "
        "schedule; accuracy for classifiers, R^2 for regressors):\n\n"
        + mlp_md
        + "\n"
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
