"""What each published table and column is, read from the public file itself.

The snapshot carries the dbt descriptions as DuckDB comments; this module reads them once for
every export that describes itself (Parquet key-value metadata, the data package), and adds
the unit of each measure column.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from publish.exports.common import SCHEMA

COUNT = "count"
METRIC_UNIT = (
    "the metric's own unit: reference.ref_metrics.unit_label for this metric_id (a share "
    "from 0 to 1 for proportions, per multiplier for rates)"
)
# Measures that are not counts under disclosure control, by column name.
UNITS = {
    "population": "people",
    "households": "households",
    "advocate_fte": "full-time equivalent staff",
    "offences": COUNT,
    "home_office_offences": COUNT,
    "difference": COUNT,
    "difference_pct": "per cent",
    "rate_per_1000": "per 1,000 residents",
    "multiplier": "multiplier of the rate",
    "numerator": COUNT,
    "denominator": "count, or residents for population rates",
    "funnel_z": "standard deviations",
    "funnel_phi": "ratio",
    "funnel_tau2": "variance on the funnel's scale",
    "funnel_dispersion_statistic": "chi-square statistic",
    "funnel_dispersion_critical_95": "chi-square statistic",
    "funnel_units": "forces",
    "funnel_winsor_fraction": "fraction",
    "quarters_in_period": "quarters",
    "population_mid_year": "calendar year",
    # issue 18 item 5: service funding and capacity
    "funding_gbp": "pounds",
    "caseload_capacity": "cases a service can hold at once",
    "months_of_data": "months",
    "cases_per_fte": "open cases per full-time equivalent advocate",
    "fte_to_clear_waiting_list": "full-time equivalent advocate years",
    "clearing_cost_gbp": "pounds",
    "clearing_cost_share_of_ask": "share of the national ask, 0 to 1",
    "advocate_cost_per_fte": "pounds per full-time equivalent advocate year",
    "cases_cleared_per_fte_year": "cases per full-time equivalent advocate year",
    "national_ask_gbp": "pounds",
}
# force_comparisons and funnel_limits hold each metric on its own scale.
METRIC_SCALE_COLUMNS = {
    "value",
    "ci95_low",
    "ci95_high",
    "ci998_low",
    "ci998_high",
    "national_value",
    "region_value",
    "peer_value",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",
}


@dataclass(frozen=True)
class Column:
    name: str
    duckdb_type: str
    description: str
    unit: str | None  # None for keys, labels and markers

    @property
    def is_marker(self) -> bool:
        return self.name.endswith("_marker")


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]


def _unit(name: str, duckdb_type: str, names: set[str]) -> str | None:
    if name.endswith("_marker") or duckdb_type in ("VARCHAR", "BOOLEAN", "DATE"):
        return None
    if f"{name}_marker" in names and duckdb_type in ("BIGINT", "INTEGER", "HUGEINT"):
        return COUNT
    if name in METRIC_SCALE_COLUMNS:
        return METRIC_UNIT
    return UNITS.get(name)


def published_catalogue(con: duckdb.DuckDBPyConnection) -> dict[str, Table]:
    """Every table of the published schema with its description and columns, in order."""
    tables = con.execute(
        "select table_name, coalesce(comment, '') from duckdb_tables() "
        "where schema_name = ? order by table_name",
        [SCHEMA],
    ).fetchall()
    columns = con.execute(
        "select table_name, column_name, data_type, coalesce(comment, '') "
        "from duckdb_columns() where schema_name = ? order by table_name, column_index",
        [SCHEMA],
    ).fetchall()
    by_table: dict[str, list[tuple[str, str, str]]] = {}
    for table, name, duckdb_type, comment in columns:
        by_table.setdefault(table, []).append((name, duckdb_type, comment))
    catalogue = {}
    for table, description in tables:
        names = {name for name, _t, _c in by_table.get(table, [])}
        catalogue[table] = Table(
            table,
            description,
            tuple(
                Column(name, duckdb_type, comment, _unit(name, duckdb_type, names))
                for name, duckdb_type, comment in by_table.get(table, [])
            ),
        )
    return catalogue
