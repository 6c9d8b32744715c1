"""Shared fixtures: paths to ../shared (skipped when absent) and the one spaCy pipeline."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold" / "seeds.yaml"
SCORER = SHARED / "tools" / "score_seeds.py"
# Benchmark scripts import their shared helpers as `_common`, from their own folder.
sys.path.insert(0, str(ROOT / "bench"))
SAMPLE = ROOT / "src" / "storytrace" / "data" / "sample"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not (SEEDS.is_dir() and any(SEEDS.glob("*.txt"))):
        pytest.skip(f"seed articles not found at {SEEDS} (../shared is absent)")
    return SEEDS


@pytest.fixture(scope="session")
def nlp() -> Any:
    from storytrace import nlp as _nlp

    return _nlp.load()


def write(path: Path, content: str | bytes) -> Path:
    """Write text (UTF-8) or bytes to `path`, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def load_bench(name: str) -> Any:
    """A benchmark script (bench/NAME.py) as a module, for testing its helpers."""
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module
