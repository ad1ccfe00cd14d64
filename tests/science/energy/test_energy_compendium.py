"""The shipped Compendium rows against the values of Ainsworth et al. 2011 and Herrmann et al.
2024 (as cross-checked in several copies)."""

from __future__ import annotations

import pytest

from retrostride.errors import InputError
from retrostride.science import energy
from retrostride.science.energy.compendium import rows

# (code, 2011 MET, 2024 MET): Ainsworth et al. 2011 and Herrmann et al. 2024, typed in by hand.
VERIFIED = [
    ("17151", 2.0, 2.3),
    ("17152", 2.8, 2.8),
    ("17170", 3.0, 3.0),
    ("17190", 3.5, 3.8),
    ("17200", 4.3, 4.8),
    ("17220", 5.0, 5.5),
    ("17230", 7.0, 7.0),
    ("17231", 8.3, 8.5),
    ("17320", 6.0, 6.0),
    ("17325", 8.0, 7.8),
]
VERIFIED_2011_ONLY = [
    ("17210", 5.3),
    ("17211", 8.0),
    ("17033", 6.3),
    ("17035", 6.5),
    ("17040", 7.3),
    ("17050", 8.3),
    ("17060", 9.0),
    ("12029", 6.0),
    ("12030", 8.3),
    ("12050", 9.8),
    ("12070", 11.0),
    ("12090", 11.8),
    ("12120", 14.5),
]
VERIFIED_2024_ONLY = [
    ("17034", 5.3),
    ("17035", 7.0),
    ("17036", 8.8),
    ("17045", 6.5),
    ("17050", 7.5),
    ("17455", 8.3),
    ("17340", 2.1),
    ("17343", 2.3),
    ("17346", 2.8),
    ("17349", 3.0),
    ("17352", 3.5),
    ("17355", 3.8),
    ("17358", 4.8),
    ("17361", 5.8),
    ("17364", 6.8),
    ("17367", 8.3),
    ("12405", 5.3),
    ("12408", 6.5),
    ("12029", 7.8),
    ("12030", 8.5),
    ("12050", 9.3),
    ("12070", 11.0),
    ("12090", 12.0),
    ("12120", 14.8),
    ("02078", 11.0),
    ("17131", 6.8),
    ("17133", 4.5),
    ("17134", 9.3),
    ("17070", 3.5),
]


# A row's MET is the printed figure read from the shipped CSV: compared exactly on purpose.
@pytest.mark.parametrize(("code", "met_2011", "met_2024"), VERIFIED)
def test_rows_in_both_editions_match_the_brief(code: str, met_2011: float, met_2024: float) -> None:
    assert energy.lookup(code, 2011).met == met_2011
    assert energy.lookup(code, 2024).met == met_2024


@pytest.mark.parametrize(("code", "met"), VERIFIED_2011_ONLY)
def test_2011_rows_match_the_brief(code: str, met: float) -> None:
    assert energy.lookup(code, 2011).met == met


@pytest.mark.parametrize(("code", "met"), VERIFIED_2024_ONLY)
def test_2024_rows_match_the_brief(code: str, met: float) -> None:
    assert energy.lookup(code, 2024).met == met


def test_codes_are_unique_and_every_row_is_labelled() -> None:
    for edition in energy.EDITIONS:
        codes = [row.code for row in rows(edition)]
        assert len(codes) == len(set(codes))
        for row in rows(edition):
            assert row.copy_certainty in {"multi-copy", "single-copy"}
            assert row.copies and all(copy in {"F", "B", "S", "T", "P"} for copy in row.copies)
            assert (row.copy_certainty == "multi-copy") == (len(row.copies) >= 2)
            assert row.source.startswith(("Ainsworth", "Herrmann"))


def test_no_value_comes_from_the_truncating_copy_alone() -> None:
    # Copy S stores values of 10 and above as 9.9: such a value must have another copy.
    for row in rows(2024):
        if row.met >= 9.9:
            assert set(row.copies) - {"S"}, row.code


def test_lookup_accepts_ints_and_refuses_unknown_codes_and_editions() -> None:
    assert energy.lookup(17320).code == "17320"
    assert energy.lookup("7040", 2011).met == 1.3
    with pytest.raises(InputError):
        energy.lookup("99999")
    with pytest.raises(InputError):
        energy.lookup("17320", 2019)
    with pytest.raises(InputError):
        energy.lookup("17455", 2011)  # no curved treadmill row in 2011


def test_search_by_words_in_either_edition() -> None:
    found_2024 = {row.code for row in energy.search("backward")}
    assert {"17320", "17325", "17475"} <= found_2024
    found_2011 = {row.code for row in energy.search("walking backwards", 2011)}
    assert found_2011 == {"17320", "17325"}
    assert {row.code for row in energy.search("stair climbing slow")} == {"17133"}


def test_stairs_answer_from_the_stair_rows() -> None:
    assert energy.stairs().met == 6.8  # 2024 17131, the row's printed MET copied: exact
    assert energy.stairs("fast").met == 9.3
    assert energy.stairs("slow", edition=2011).met == 4.0
    assert energy.stairs("descending").code == "17070"
    result = energy.stairs("general", body_mass_kg=80)
    assert result.kcal_per_min == pytest.approx(6.8 * 80 / 60, rel=1e-12)
    with pytest.raises(InputError):
        energy.stairs("sideways")
