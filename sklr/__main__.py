"""Command line: ``python -m sklr demo``."""

import argparse
import time

from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from . import LRTunedMLPClassifier, LRTunedSGDClassifier
from .schedules import CosineDecay, CosineWarmRestarts, OneCycle, StepDecay

DEMO_SCHEDULES = {
    "constant": "constant",
    "step": StepDecay(step_size=10, gamma=0.3),
    "cosine": CosineDecay(),
    "warm restarts": CosineWarmRestarts(period=10),
    "one-cycle": OneCycle(),
}


def demo_models(random_state=0):
    """The demo's two models, keyed by name."""
    return {
        "SGD (log loss)": LRTunedSGDClassifier(
            loss="log_loss", lr=0.01, max_iter=30, random_state=random_state
        ),
        "MLP (adam)": LRTunedMLPClassifier(
            hidden_layer_sizes=(64,), lr=0.01, max_iter=30, random_state=random_state
        ),
    }


def run_demo(random_state=0):
    """Fit both models under every demo schedule on digits; return the table rows."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=random_state
    )
    rows = []
    for model_name, model in demo_models(random_state).items():
        for schedule_name, schedule in DEMO_SCHEDULES.items():
            model.set_params(schedule=schedule)
            pipe = make_pipeline(StandardScaler(), model)
            start = time.perf_counter()
            pipe.fit(X_train, y_train)
            seconds = time.perf_counter() - start
            fitted = pipe[-1]
            rows.append(
                {
                    "model": model_name,
                    "schedule": schedule_name,
                    "final lr": fitted.lr_curve_[-1],
                    "epochs": fitted.n_iter_,
                    "final loss": fitted.loss_curve_[-1],
                    "test accuracy": pipe.score(X_test, y_test),
                    "fit seconds": seconds,
                }
            )
    return rows


def format_table(rows):
    header = (
        f"{'model':<16}{'schedule':<15}{'final lr':>10}{'epochs':>8}{'train loss':>12}"
        f"{'test acc':>10}{'fit s':>8}"
    )
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r['model']:<16}{r['schedule']:<15}{r['final lr']:>10.2e}{r['epochs']:>8d}"
            f"{r['final loss']:>12.4f}{r['test accuracy']:>10.4f}{r['fit seconds']:>8.2f}"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m sklr", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="train SGD and MLP on digits under several schedules")
    demo.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args(argv)
    if args.command == "demo":
        print(
            "Digits (1797 images, 10 classes), 75/25 split, standardized.\n"
            "train loss: loss_curve_[-1], the training objective of the last epoch (for\n"
            "the MLP, its average over the epoch's mini-batches, as scikit-learn reports it).\n"
        )
        print(format_table(run_demo(args.random_state)))


if __name__ == "__main__":
    main()
