"""Re-run every benchmark and rewrite the tables in docs/_generated/.

python benchmarks/regenerate.py
"""

import pathlib
import sys
import warnings

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / "docs" / "_generated"


def main():
    sys.path.insert(0, str(HERE))
    import divergence
    import lr_auto
    import overhead

    warnings.simplefilter("ignore")
    OUT.mkdir(parents=True, exist_ok=True)
    overhead.main(["--write", str(OUT / "overhead.md")])
    lr_auto.main(["--write", str(OUT / "lr_auto.md")])
    divergence.main(["--write", str(OUT / "divergence.md")])


if __name__ == "__main__":
    main()
