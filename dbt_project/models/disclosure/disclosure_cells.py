"""Every published cell with its suppression: primary (a count of 1 to 4) or secondary, chosen
by least information lost with HiGHS over the groups of disclosure_groups; the cells are the
published counts (disclosure_positions) and the yearly comparison figures
(disclosure_rows__comparison_years)
(publish/disclosure/protect.py; docs/DISCLOSURE.md). A dbt Python model, so that dbt stays the
only writer of the warehouse; the solver module is found through the profile's module_paths
(the repository root)."""


def model(dbt, session):
    dbt.config(materialized="table")
    import polars as pl

    from publish.disclosure.protect import choose_suppression

    counts = dbt.ref("disclosure_positions").pl().select("cell_id", "cell_value")
    years = dbt.ref("disclosure_rows__comparison_years").pl().select("cell_id", "cell_value")
    cells = pl.concat([counts, years]).unique()
    groups = dbt.ref("disclosure_groups").pl().select("group_id", "cell_id", "coefficient")
    return choose_suppression(cells, groups).to_arrow()
