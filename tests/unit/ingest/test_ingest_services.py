"""The advocacy service register: the synthetic generator's names are all registered, and
nothing else passes as a service name."""

from __future__ import annotations

import polars as pl
import pytest

from ingest.reference import service_lookup
from ingest.settings import SEEDS_DIR
from synthetic.advocacy import services
from synthetic.common import load_forces


@pytest.mark.parametrize("seed", [1, 7, 42, 2026])
def test_every_synthetic_service_is_in_the_register(seed):
    registered = set(service_lookup().values())
    names = set(services(seed, load_forces())["service_name"].to_list())
    assert names and names <= registered


def test_the_demo_register_is_labelled_synthetic():
    register = pl.read_csv(SEEDS_DIR / "ref_services.csv")
    assert register["is_synthetic"].all()
    assert register["service_name"].str.ends_with("(synthetic)").all()
    assert register["service_name"].is_unique().all()
