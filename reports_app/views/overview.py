"""Overview: national trend of recorded stalking and a table of forces."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from reports_app.data import query

st.title("Stalking in England and Wales: overview")

trend = query(
    """
    select financial_year || ' ' || fy_quarter as quarter,
           cast(sum(crimes) as bigint) as stalking_crimes
    from marts.fct_recorded_crime_quarterly
    where offence_code = '8Q'
    group by financial_year, fy_quarter
    order by financial_year, fy_quarter
    """
)
if trend.is_empty():
    st.info("No force crime extracts have been published yet.")
    st.stop()

st.subheader("Stalking crimes recorded each quarter, all forces")
chart = (
    alt.Chart(trend.to_pandas(), title="Stalking crimes (8Q) recorded per financial quarter")
    .mark_line(point=True)
    .encode(
        x=alt.X("quarter:N", title="Financial quarter", sort=None),
        y=alt.Y("stalking_crimes:Q", title="Stalking crimes recorded"),
        tooltip=["quarter", "stalking_crimes"],
    )
)
st.altair_chart(chart, width="stretch")
st.caption(
    "Text alternative: "
    + "; ".join(f"{q}: {n:,}" for q, n in trend.iter_rows())
    + ". Crimes count by the date recorded."
)

latest_year = query(
    "select max(financial_year) as fy from marts.fct_recorded_crime_quarterly"
).item()
forces = query(
    """
    select f.force_name as force, f.region_name as region,
           cast(coalesce(sum(c.crimes) filter (where c.offence_code = '8Q'), 0) as bigint)
               as stalking_crimes,
           f.population
    from marts.dim_force as f
    left join marts.fct_recorded_crime_quarterly as c
        on c.force_code = f.force_code and c.financial_year = ?
    where f.is_territorial
    group by all
    order by force
    """,
    latest_year,
).with_columns(
    (pl.col("stalking_crimes") / pl.col("population") * 1000).round(2).alias("rate_per_1000")
)
st.subheader(f"Stalking crimes by force, {latest_year} (quarters received so far)")
st.caption(
    "Rate per 1,000 residents (ONS mid-2023 population). A higher rate is not worse "
    "policing: it can mean better recognition and recording of stalking."
)
st.dataframe(forces, hide_index=True, width="stretch")
st.download_button(
    "Download this table (CSV)",
    forces.write_csv(),
    file_name=f"stalking_by_force_{latest_year.replace('/', '-')}.csv",
    mime="text/csv",
)
