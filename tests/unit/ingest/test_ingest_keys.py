"""ingest.keys: no silent keys, a fingerprint in the ledger, a changed key stops the run."""

from __future__ import annotations

import pytest

from ingest.keys import KeyProblem, checked_key, create, fingerprint, main
from ingest.runner import ingest_source
from ingest.settings import DataPaths

CSV = (
    "force_code,crime_ref,recorded_date,offence_code,victim_ref,victim_sex,relationship,"
    "domestic_flag,cyber_flag,screening_completed,risk_level,masip_referral,outcome_type\n"
    "E23000032,C1,2024-05-01,8Q,V1,F,stranger,N,N,Y,high,N,0\n"
)


def land(paths: DataPaths) -> None:
    path = paths.ensure().landing / "force_crimes" / "crimes.csv"
    path.write_text(CSV)
    import os

    os.utime(path, ns=(1_735_689_600 * 10**9,) * 2)


def test_a_run_without_a_key_stops_and_creates_none(tmp_path, monkeypatch):
    monkeypatch.delenv("STALKING_PSEUDONYMISATION_KEY", raising=False)
    paths = DataPaths(tmp_path)
    land(paths)
    with pytest.raises(KeyProblem, match="No pseudonymisation key"):
        ingest_source("force_crimes", paths)
    assert not paths.key_file.exists()
    assert not list(paths.ledger.glob("[!_]*.parquet"))


def test_another_key_stops_the_run_before_reading(tmp_path, monkeypatch):
    paths = DataPaths(tmp_path)
    land(paths)
    monkeypatch.setenv("STALKING_PSEUDONYMISATION_KEY", "first")
    ingest_source("force_crimes", paths)
    assert checked_key(paths)[1] == fingerprint(b"first")
    monkeypatch.setenv("STALKING_PSEUDONYMISATION_KEY", "second")
    (paths.landing / "force_crimes" / "more.csv").write_text(CSV.replace("C1", "C2"))
    with pytest.raises(KeyProblem, match=fingerprint(b"first")):
        ingest_source("force_crimes", paths)


def test_only_the_create_command_makes_a_key(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("STALKING_PSEUDONYMISATION_KEY", raising=False)
    monkeypatch.setenv("STALKING_DATA_DIR", str(tmp_path))
    paths = DataPaths(tmp_path)
    assert main(["create"]) == 0
    assert oct(paths.key_file.stat().st_mode)[-3:] == "600"
    with pytest.raises(KeyProblem, match="exists already"):
        create(paths)
    assert main(["fingerprint"]) == 0
    assert fingerprint(paths.key_file.read_text().strip().encode()) in capsys.readouterr().out


def test_rekey_rebuilds_every_submission_under_the_new_key(tmp_path, monkeypatch):
    monkeypatch.setenv("STALKING_DATA_DIR", str(tmp_path))
    paths = DataPaths(tmp_path)
    land(paths)
    monkeypatch.setenv("STALKING_PSEUDONYMISATION_KEY", "old")
    ingest_source("force_crimes", paths)
    (paths.landing / "force_crimes" / "crimes.csv").unlink()  # landing is emptied by hand
    monkeypatch.setenv("STALKING_PSEUDONYMISATION_KEY", "new")
    assert main(["rekey"]) == 2  # asks for --yes first
    assert main(["rekey", "--yes"]) == 0
    assert (paths.landing / "force_crimes" / "crimes.csv").read_text() == CSV
    run = ingest_source("force_crimes", paths)
    assert run.statuses == {"accepted": 1}
    assert checked_key(paths)[1] == fingerprint(b"new")
    assert list(tmp_path.glob("rekeyed-*/ledger/*.parquet"))
