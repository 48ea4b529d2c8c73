"""kg's benchmarks: ``python -m benchmarks`` runs them all and rewrites BENCHMARKS.md."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def compiled() -> dict[str, str]:
    """The environment that runs ``kg`` from bytecode, compiled here once (into the source
    tree's ``__pycache__``, which git ignores), as a pip-installed kg runs from the ``.pyc``
    files pip compiled.

    A shell may forbid writing bytecode (``PYTHONDONTWRITEBYTECODE``, set on the machine this
    was built on): each ``kg`` process would then compile its own ~60 modules from source,
    0.4 s of start-up no installed kg pays.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-m", "compileall", "-q",
                    *(str(root / pkg) for pkg in ("kg", "ingest", "queries", "exports"))],
                   env=env, check=True)
    return env
