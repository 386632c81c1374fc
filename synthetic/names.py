"""Invented names for the direct-identifier columns, so that pseudonymisation has something to
remove. Small fixed lists; a few carry characters outside ASCII (é, ë, ’, â) that cp1252 can
encode, to exercise legacy encodings."""

from __future__ import annotations

import numpy as np
import polars as pl

FEMALE_FIRST = (
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Grace",
    "Freya",
    "Lily",
    "Emily",
    "Sophie",
    "Chloé",
    "Zoë",
    "Renée",
    "Siân",
    "Aoife",
    "Niamh",
    "Priya",
    "Aisha",
    "Fatima",
    "Hannah",
    "Rebecca",
    "Laura",
    "Claire",
    "Joanne",
    "Sarah",
    "Karen",
    "Megan",
    "Ellie",
    "Ruby",
    "Nadia",
)
MALE_FIRST = (
    "Oliver",
    "George",
    "Noah",
    "Arthur",
    "Leo",
    "Harry",
    "Jack",
    "Oscar",
    "Jacob",
    "Thomas",
    "James",
    "Daniel",
    "Mohammed",
    "Ravi",
    "Rhys",
    "Dafydd",
    "Liam",
    "Seán",
    "José",
    "Connor",
    "Mark",
    "Paul",
    "Steven",
    "Gareth",
    "Callum",
    "Kieran",
    "Ryan",
    "Adam",
    "Ben",
    "Tomás",
)
SURNAMES = (
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Khan",
    "Begum",
    "Ahmed",
    "O’Brien",
    "O’Connor",
    "D’Souza",
    "Brontë",
    "Lévesque",
    "Mac an tSaoir",
    "Nowak",
    "Kowalski",
    "Okafor",
    "Mensah",
    "Murphy",
    "Kelly",
    "Morgan",
    "Price",
    "Griffiths",
)


def full_names(rng: np.random.Generator, female_p: np.ndarray) -> pl.Series:
    """One invented full name per row; the first name is female with probability `female_p`."""
    n = len(female_p)
    female = pl.Series(FEMALE_FIRST)
    male = pl.Series(MALE_FIRST)
    surname = pl.Series(SURNAMES)
    f_idx = rng.integers(0, len(FEMALE_FIRST), n)
    m_idx = rng.integers(0, len(MALE_FIRST), n)
    s_idx = rng.integers(0, len(SURNAMES), n)
    use_female = rng.random(n) < female_p
    first = pl.select(
        pl.when(pl.Series(use_female))
        .then(female.gather(f_idx))
        .otherwise(male.gather(m_idx))
        .alias("first")
    ).to_series()
    return first + " " + surname.gather(s_idx)
