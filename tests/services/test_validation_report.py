"""The validation report: its fast part against the recorded baseline, and the files it writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retrostride.cli import app
from retrostride.services import validation


@pytest.fixture(scope="module")
def fast_report(shared_data: Path) -> validation.ValidationReport:
    return validation.run(shared_data, include_gait=False)


def test_no_figure_is_worse_than_the_baseline(fast_report: validation.ValidationReport) -> None:
    assert validation.regressions(fast_report) == []
    sections = {c.section for c in fast_report.comparisons}
    assert {
        "energy-compendium",
        "energy-studies",
        "energy-body",
        "outcomes",
        "importers",
    } <= sections
    # every baseline line is answered by the fast part (gait is not in the baseline)
    keys = {c.key for c in fast_report.comparisons}
    assert set(validation.load_baseline()["errors"]) <= keys


def test_a_worse_figure_is_caught(fast_report: validation.ValidationReport) -> None:
    baseline = validation.load_baseline()
    tightened = {**baseline, "errors": {**baseline["errors"], "williford-run-vo2": 0.5}}
    worse = validation.regressions(fast_report, tightened)
    assert len(worse) == 1 and worse[0].startswith("williford-run-vo2")


def test_every_baseline_change_carries_a_reason() -> None:
    changes = validation.load_baseline()["changes"]
    assert changes and all(change["reason"].strip() for change in changes)


def test_published_points_are_in_the_report(fast_report: validation.ValidationReport) -> None:
    studies = {c.key: c for c in fast_report.section("energy-studies")}
    # Williford et al. 1998: 31.33 mL/kg/min measured; the model is within 13% of it
    williford = studies["williford-run-vo2"]
    assert williford.reference == pytest.approx(31.33, rel=0)
    assert williford.relative_error is not None and abs(williford.relative_error) < 0.13
    # Hreljac et al. 2005: optimal transition 1.85 +- 0.09 m/s
    assert studies["hreljac-optimal-transition"].within_spread is True
    body = {c.key: c for c in fast_report.section("energy-body")}
    assert body["older-woman-gross"].model == pytest.approx(540.0, rel=1e-12)


def test_html_is_self_contained_and_json_has_the_same_figures(
    fast_report: validation.ValidationReport, tmp_path: Path
) -> None:
    html_path, json_path = validation.write_report(fast_report, tmp_path)
    text = html_path.read_text(encoding="utf-8")
    assert "<svg" in text and "Williford" in text
    assert "src=" not in text and "<link" not in text  # nothing fetched
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert len(data["comparisons"]) == len(fast_report.comparisons)
    assert data["regressions"] == []


def test_cli_writes_the_report(shared_data: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["validate", "--report", str(tmp_path), "--data", str(shared_data), "--no-gait"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "validation.html").is_file() and (tmp_path / "validation.json").is_file()
