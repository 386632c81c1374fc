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
    "Charlotte",
    "Jessica",
    "Lucy",
    "Katie",
    "Amy",
    "Bethan",
    "Ffion",
    "Nicola",
    "Michelle",
    "Kirsty",
    "Zara",
    "Maryam",
    "Agnieszka",
    "Chidinma",
    "Eleanor",
    "Harriet",
    "Imogen",
    "Poppy",
    "Tegan",
    "Yasmin",
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
    "David",
    "Michael",
    "Christopher",
    "Andrew",
    "Richard",
    "Matthew",
    "Luke",
    "Joshua",
    "Samuel",
    "William",
    "Aled",
    "Owain",
    "Imran",
    "Bilal",
    "Piotr",
    "Chinedu",
    "Kwame",
    "Lewis",
    "Scott",
    "Craig",
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
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Baker",
    "Harrison",
    "King",
    "Lee",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Bennett",
    "Young",
    "Mitchell",
    "Cook",
    "Bailey",
    "Carter",
    "Shaw",
    "Richardson",
    "Collins",
    "Marshall",
    "Chapman",
    "Powell",
    "Webb",
    "Rogers",
    "Gray",
    "Mason",
    "Ali",
    "Hussain",
    "Singh",
    "Kaur",
    "Rahman",
    "Iqbal",
    "Shah",
    "Mahmood",
    "Chowdhury",
    "Wisniewski",
    "Popescu",
    "Adeyemi",
    "Boateng",
    "Owusu",
    "Rees",
    "Jenkins",
    "Howells",
    "Pritchard",
    "Llewellyn",
    "Vaughan",
    "Parry",
    "Bowen",
    "Lloyd",
    "Fitzgerald",
    "McCarthy",
    "Doherty",
    "Quinn",
    "Campbell",
    "Stewart",
    "MacDonald",
    "Fraser",
    "Reid",
    "Hamilton",
    "Fletcher",
    "Barnes",
    "Dixon",
    "Holmes",
    "Knight",
    "Butler",
    "Foster",
    "Gibson",
    "Lawrence",
    "Ellis",
    "Saunders",
    "Russell",
    "Hunt",
    "Wallace",
    "Kennedy",
    "Cole",
    "Porter",
    "Stevens",
    "Palmer",
    "Hayes",
    "Ryan",
    "Burton",
    "Pearson",
    "Simpson",
    "Bell",
    "Matthews",
    "Hudson",
    "Spencer",
    "Kaczmarek",
)


# Name frequencies fall off with rank, as real ones do (Smith is about 1% of the population of
# England and Wales, the 150th surname under 0.1%): so common names collide by chance, and a
# linker must tell two different "Sarah Smith"s apart by more than the name.
NAME_RANK_EXPONENT = 0.8

# How a person's name is written on one record (SOURCES.md does not fix a format, and forces
# differ): "Jane Smith", "Smith, Jane", "JANE SMITH", "SMITH, Jane", "jane smith".
NAME_FORMATS = ("first_surname", "surname_comma_first", "upper", "upper_surname_comma", "lower")
NAME_FORMAT_WEIGHTS = (0.55, 0.20, 0.15, 0.05, 0.05)
TYPO_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _rank_weights(n: int) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** NAME_RANK_EXPONENT
    return weights / weights.sum()


def person_names(rng: np.random.Generator, female_p: np.ndarray) -> pl.DataFrame:
    """One invented person per row: `first` and `surname` (the person's true name); the first
    name is female with probability `female_p`. Frequencies fall off with rank."""
    n = len(female_p)
    f_idx = rng.choice(len(FEMALE_FIRST), n, p=_rank_weights(len(FEMALE_FIRST)))
    m_idx = rng.choice(len(MALE_FIRST), n, p=_rank_weights(len(MALE_FIRST)))
    s_idx = rng.choice(len(SURNAMES), n, p=_rank_weights(len(SURNAMES)))
    use_female = rng.random(n) < female_p
    return pl.DataFrame(
        {
            "first": np.where(
                use_female, np.array(FEMALE_FIRST)[f_idx], np.array(MALE_FIRST)[m_idx]
            ),
            "surname": np.array(SURNAMES)[s_idx],
        },
        schema={"first": pl.String, "surname": pl.String},
    )


def common_names(rng: np.random.Generator, female_p: np.ndarray, top: int) -> pl.DataFrame:
    """Like person_names, but every forename and surname is one of the `top` most common of its
    list (at their relative frequencies): the names that namesakes really share."""
    n = len(female_p)

    def pick(names: tuple[str, ...]) -> np.ndarray:
        weights = _rank_weights(len(names))[:top]
        return np.array(names[:top])[rng.choice(top, n, p=weights / weights.sum())]

    female, male, surname = pick(FEMALE_FIRST), pick(MALE_FIRST), pick(SURNAMES)
    use_female = rng.random(n) < female_p
    return pl.DataFrame(
        {"first": np.where(use_female, female, male), "surname": surname},
        schema={"first": pl.String, "surname": pl.String},
    )


def full_names(rng: np.random.Generator, female_p: np.ndarray) -> pl.Series:
    """One invented full name per row, "First Surname"."""
    people = person_names(rng, female_p)
    return people["first"] + " " + people["surname"]


def written_names(
    rng: np.random.Generator, first: pl.Series, surname: pl.Series, typo_share: float
) -> tuple[pl.Series, np.ndarray]:
    """The name as one record writes it: a format drawn from NAME_FORMATS, and with probability
    `typo_share` one letter of the surname (or, half the time, the first name) replaced.
    Returns the written names and the typo mask."""
    n = len(first)
    fmt = rng.choice(len(NAME_FORMATS), n, p=np.asarray(NAME_FORMAT_WEIGHTS))
    typo = rng.random(n) < typo_share
    in_surname = rng.random(n) < 0.5
    letter = pl.Series(list(TYPO_LETTERS)).gather(rng.integers(0, len(TYPO_LETTERS), n))
    where = pl.Series(rng.random(n))

    def with_typo(part: pl.Expr, mask: np.ndarray) -> pl.Expr:
        # Replace one character after the first (keeps the initial, as most slips do).
        length = part.str.len_chars()
        pos = (1 + (pl.col("where") * (length - 1).clip(lower_bound=1)).floor()).cast(pl.Int64)
        pos = pos.clip(upper_bound=length - 1)
        changed = part.str.slice(0, pos) + pl.col("letter") + part.str.slice(pos + 1)
        return pl.when(pl.Series(mask) & (length > 1)).then(changed).otherwise(part)

    frame = pl.DataFrame(
        {"first": first, "surname": surname, "fmt": fmt, "letter": letter, "where": where}
    ).with_columns(
        with_typo(pl.col("first"), typo & ~in_surname).alias("first"),
        with_typo(pl.col("surname"), typo & in_surname).alias("surname"),
    )
    f, s = pl.col("first"), pl.col("surname")
    written = frame.select(
        pl.when(pl.col("fmt") == 0)
        .then(f + " " + s)
        .when(pl.col("fmt") == 1)
        .then(s + ", " + f)
        .when(pl.col("fmt") == 2)
        .then((f + " " + s).str.to_uppercase())
        .when(pl.col("fmt") == 3)
        .then(s.str.to_uppercase() + ", " + f)
        .otherwise((f + " " + s).str.to_lowercase())
        .alias("name")
    ).to_series()
    return written, typo
