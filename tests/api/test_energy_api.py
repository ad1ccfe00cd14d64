"""The energy calculator over HTTP, against the Compendium's published backward-walking METs."""

from __future__ import annotations

import pytest
from api_helpers import TestClient, signup


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_energy_matches_the_compendium_and_reads_units(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    # Herrmann et al. 2024 Compendium, code 17320: walking backward, 3.5 mph, level = 6.0 MET.
    r = ada.post("/api/energy", json={"speed": "3.5 mph", "direction": "backward"})
    assert r.status_code == 200, r.text
    level = r.json()
    assert level["met"] == pytest.approx(6.0, abs=0.05)
    assert level["ratio_to_forward"] > 1 and level["sources"]
    # Code 17325: 3.5 mph, 5% grade = 7.8 MET in the 2024 edition.
    uphill = ada.post("/api/energy", json={"speed": "3.5 mph", "grade": "5%"}).json()
    assert uphill["met"] == pytest.approx(7.8, abs=0.1)
    # Text with units and SI numbers agree; kcal = MET x kg x h.
    si = ada.post(
        "/api/energy",
        json={"speed_m_s": 1.56464, "body_mass_kg": 70, "duration_s": 1800},
    ).json()
    text = ada.post(
        "/api/energy", json={"speed": "3.5 mph", "mass": "154.32 lb", "duration": "30 min"}
    ).json()
    assert si["met"] == pytest.approx(text["met"], rel=1e-4)
    assert text["gross_kcal"] == pytest.approx(text["met"] * 70 * 0.5, rel=1e-3)
    bad = ada.post("/api/energy", json={"speed": "fast"})
    assert bad.status_code == 422 and bad.json()["field"] == "speed"
    assert ada.post("/api/energy", json={}).status_code == 422
    assert client.post("/api/energy", json={"speed": "5 km/h"}).status_code == 401
