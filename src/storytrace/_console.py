"""The `storytrace` console script: sets up its process, then runs the CLI."""

from __future__ import annotations

import os

# numpy's BLAS starts its threads when numpy is imported, unless told to use
# one; spaCy's parser runs about 11% slower in a process that has ever had a
# second thread (storytrace.batch explains why), and this small model gains
# nothing from more BLAS threads. A value already in the environment stays.
ONE_BLAS_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def main() -> None:
    for name, value in ONE_BLAS_THREAD.items():
        os.environ.setdefault(name, value)
    from storytrace.cli import main as run  # imports numpy: after the settings above

    run()
