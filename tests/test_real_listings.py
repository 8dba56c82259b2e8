"""The automatic link picker on real listing pages nobody here wrote (../shared/realdata/listings,
13 pages from 13 sites with hand-checked truth), scored by the dataset's own scorer."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT, shared_data

if str(ROOT) not in sys.path:  # the adapter lives in benchmarks/, beside feedmaker/
    sys.path.insert(0, str(ROOT))

from benchmarks.real_listings import pick

FLOOR_F1, FLOOR_P = 0.90, 0.95


def _scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_listings", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_real_listing_pages_floor() -> None:
    listings = shared_data("realdata/listings")
    scorer = _scorer(listings.parent / "score_listings.py")
    rows = {}
    for truth_file in sorted(listings.glob("*.truth.json")):
        name = truth_file.name.removesuffix(".truth.json")
        truth = scorer.load_truth(truth_file)
        html = truth_file.with_name(name + ".html").read_bytes().decode("utf-8", "replace")
        rows[name] = scorer.score(truth, pick(html, truth["url"]))
    assert len(rows) >= 13
    table = "\n".join(f"{n:28} picked {r['picked']:4}  P {r['P']:.3f}  R {r['R']:.3f}  "
                      f"F1 {r['F1']:.3f}" for n, r in rows.items())
    precision = sum(r["P"] for r in rows.values()) / len(rows)
    f1 = sum(r["F1"] for r in rows.values()) / len(rows)
    assert not [n for n, r in rows.items() if r["picked"] == 0], table
    assert f1 >= FLOOR_F1 and precision >= FLOOR_P, f"macro P {precision:.3f} F1 {f1:.3f}\n{table}"


def test_the_data_is_required_in_ci_and_skipped_with_a_reason_elsewhere(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import conftest

    monkeypatch.setattr(conftest, "SHARED", tmp_path / "shared")  # as on a machine without it
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="absent: this test needs the data"):
        conftest.shared_data("realdata/listings")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must have"):
        conftest.shared_data("realdata/listings")
    (tmp_path / "shared/realdata/listings").mkdir(parents=True)
    assert conftest.shared_data("realdata/listings") == tmp_path / "shared/realdata/listings"
