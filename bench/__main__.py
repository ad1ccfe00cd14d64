"""Run every benchmark in bench/ one after another: ``python -m bench [NAME ...]``.

Each benchmark is a module ``bench/<name>.py`` with a ``main()`` that prints its figures.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def _names() -> list[str]:
    here = Path(__file__).parent
    return sorted(
        m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_")
    )


def main(argv: list[str]) -> int:
    names = argv or _names()
    unknown = sorted(set(names) - set(_names()))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(_names())}")
        return 2
    for name in names:
        print(f"\n=== bench.{name} ===", flush=True)
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        if not hasattr(module, "main"):
            print(f"(bench.{name} is a helper of the others, not a benchmark)")
            continue
        sys.argv = [f"bench.{name}"]  # each benchmark parses its own options: run with defaults
        module.main()
        print(f"=== bench.{name}: {time.perf_counter() - started:.1f} s ===", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
