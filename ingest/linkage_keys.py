"""Linkage keys: keyed hashes of normalised name and date-of-birth variants (STATISTICS.md,
linkage; docs/LINKAGE.md, "Keys").

At ingest, and only there, names and dates of birth are turned into HMAC-SHA256 keys (the
pseudonymisation key, `ingest.pseudonymise.hash_columns`) of variants that survive the way
records differ: "Smith, Jane", "JANE SMITH" and "jane smith" give one name key; a typo in the
surname usually keeps its metaphone code; a date of birth with day and month swapped meets its
swap key. Then the names and the date of birth are dropped: only keys reach raw/.

The keys are **national**: no force namespace, so the same person recorded by two forces gets
the same keys and a course crossing a force boundary can be found. The trade-off is written in
docs/LINKAGE.md: whoever holds restricted raw/ data can link a person's records across forces
(the purpose), but never recover a name or date of birth without the secret key.
"""

from __future__ import annotations

import jellyfish
import polars as pl

from ingest.pseudonymise import hash_columns

# Which columns carry which identifiers (SOURCES.md §1). Suspects have no date of birth.
NAME_COLUMNS = {"victim": "victim_name", "suspect": "suspect_name"}
DOB_COLUMN = "victim_dob"
SEX_COLUMN = "victim_sex"

# The keys written, per person role: the names of the raw/ columns.
NAME_KEY_PARTS = ("name_key", "forename_key", "surname_key")
DOB_KEY_COLUMNS = ("victim_dob_key", "victim_dob_swap_key", "victim_yob_sex_key")


def linkage_key_columns(frame_columns: list[str] | tuple[str, ...]) -> list[str]:
    """The key columns add_linkage_keys derives from a frame with these columns."""
    out = [
        f"{role}_{part}"
        for role, column in NAME_COLUMNS.items()
        if column in frame_columns
        for part in NAME_KEY_PARTS
    ]
    if DOB_COLUMN in frame_columns:
        out += list(DOB_KEY_COLUMNS)
    return out


def _letters(expr: pl.Expr) -> pl.Expr:
    """Lower case ASCII letters and single spaces: accents stripped (é → e), apostrophes
    dropped (O'Brien → obrien), anything else a word break."""
    return (
        expr.str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.to_lowercase()
        .str.replace_all(r"['’`]", "")
        .str.replace_all(r"[^a-z]+", " ")
        .str.strip_chars()
    )


def _name_parts(name: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(sorted tokens, forename, surname) of a written name. "Surname, Forename" when there is
    a comma; otherwise the first word is the forename and the rest the surname."""
    has_comma = name.str.contains(",", literal=True)
    before = _letters(name.str.split_exact(",", 1).struct.field("field_0"))
    after = _letters(name.str.split_exact(",", 1).struct.field("field_1"))
    plain = _letters(name)
    first_word = plain.str.extract(r"^(\S+)", 1)
    rest = plain.str.extract(r"^\S+\s+(.+)$", 1)
    forename = pl.when(has_comma).then(after.str.extract(r"^(\S+)", 1)).otherwise(first_word)
    surname = pl.when(has_comma).then(before).otherwise(rest).str.replace_all(" ", "")
    tokens = plain.str.split(" ").list.sort().list.join(" ")
    blank = lambda e: pl.when(e == "").then(None).otherwise(e)  # noqa: E731
    return blank(tokens), blank(forename), blank(surname)


def _metaphone(values: pl.Series) -> pl.Series:
    """jellyfish's metaphone code of each value, computed once per distinct value."""
    distinct = values.drop_nulls().unique()
    codes = {v: jellyfish.metaphone(v) or v for v in distinct.to_list()}
    return values.replace_strict(codes, default=None, return_dtype=pl.String)


def add_linkage_keys(frame: pl.DataFrame, key: bytes, drop: bool = True) -> pl.DataFrame:
    """Add keyed hashes of normalised identifier variants (linkage_key_columns), then (with
    `drop`) remove the name and date-of-birth columns. Columns absent from the frame are
    skipped; a null or unusable value gives null keys. Pure: no I/O, no state."""
    values: dict[str, pl.Expr] = {}
    for role, column in NAME_COLUMNS.items():
        if column not in frame.columns:
            continue
        tokens, forename, surname = _name_parts(pl.col(column))
        values[f"{role}_name_key"] = pl.lit("name|") + tokens
        values[f"__{role}_forename"] = forename
        values[f"__{role}_surname"] = surname
    if DOB_COLUMN in frame.columns:
        dob = pl.col(DOB_COLUMN).cast(pl.Date)
        day, month, year = dob.dt.day(), dob.dt.month(), dob.dt.year()
        swappable = (day <= 12) & (day != month)
        swapped = pl.date(year, day, month)
        values["victim_dob_key"] = pl.lit("dob|") + dob.dt.strftime("%Y-%m-%d")
        values["victim_dob_swap_key"] = pl.when(swappable).then(
            pl.lit("dob|") + swapped.dt.strftime("%Y-%m-%d")
        )
        sex = pl.col(SEX_COLUMN) if SEX_COLUMN in frame.columns else pl.lit("U")
        values["victim_yob_sex_key"] = pl.concat_str(
            pl.lit("yob_sex|"), year.cast(pl.String), pl.lit("|"), sex
        )
    if not values:
        return frame
    work = frame.select(**values)
    for role in NAME_COLUMNS:
        if f"__{role}_forename" not in work.columns:
            continue
        work = work.with_columns(
            (pl.lit("forename|") + _metaphone(work[f"__{role}_forename"])).alias(
                f"{role}_forename_key"
            ),
            (pl.lit("surname|") + _metaphone(work[f"__{role}_surname"])).alias(
                f"{role}_surname_key"
            ),
        ).drop(f"__{role}_forename", f"__{role}_surname")
    key_columns = linkage_key_columns(frame.columns)
    hashed = hash_columns(work.select(key_columns), key_columns, None, key)
    out = frame.with_columns(hashed)
    if drop:
        out = out.drop([c for c in (*NAME_COLUMNS.values(), DOB_COLUMN) if c in out.columns])
    return out
