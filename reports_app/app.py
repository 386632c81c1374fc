"""The reports app: comparative stalking statistics from the serving snapshot only.

The public view reads serving/public.duckdb; the restricted view (STALKING_APP_VIEW=restricted)
reads serving/restricted.duckdb and marks every page. Start either with
`python -m reports_app.launch [public|restricted]`: the restricted view then listens on
localhost unless STALKING_APP_ADDRESS says otherwise (docs/WAREHOUSE.md, "The restricted view").
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import streamlit as st

# `streamlit run reports_app/app.py` puts reports_app/ on the path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reports_app.data import (  # noqa: E402
    RESTRICTED_BANNER,
    VIEW_ENV,
    PublishedSchemaMissing,
    UnknownView,
    app_view,
    is_synthetic,
    serving_path,
    snapshot_info,
    stats_schema,
)

ADDRESS_ENV = "STALKING_APP_ADDRESS"

st.set_page_config(page_title="Stalking statistics, England and Wales", layout="wide")

VIEWS_DIR = Path(__file__).resolve().parent / "views"
# (file, title, url path). No icons: Streamlit's icon fonts are bundled, but a page should
# draw the same whether or not anything outside this server can be reached.
PAGES = [
    ("overview.py", "Overview", "home"),
    ("find_area.py", "Find your area", "find-your-area"),
    ("compare_forces.py", "Compare forces", "compare-forces"),
    ("force_profile.py", "Force profile", "force-profile"),
    ("force_comparison.py", "Force comparison", "force-comparison"),
    ("table_builder.py", "Table builder", "table-builder"),
    ("justice_outcomes.py", "Justice outcomes", "justice-outcomes"),
    ("protection.py", "Protection", "protection"),
    ("hidden_stalking.py", "Hidden stalking", "hidden-stalking"),
    ("service_demand.py", "Service demand", "service-demand"),
    ("action_plans.py", "Action plans", "action-plans"),
    ("survey_records.py", "Survey and police records", "survey-and-records"),
    ("funding_capacity.py", "Funding and capacity", "funding-and-capacity"),  # issue 18 item 5
    ("masips.py", "MASIPs", "masips"),
    ("data_quality.py", "Data quality and coverage", "data-quality"),
    ("methodology.py", "Methodology and downloads", "methodology"),
]

# The home page is served at / and, for links that name it, at /overview too.
page = st.navigation(
    [
        st.Page(VIEWS_DIR / file, title=title, url_path=url, default=i == 0)
        for i, (file, title, url) in enumerate(PAGES)
    ]
    + [
        st.Page(
            VIEWS_DIR / "overview.py", title="Overview", url_path="overview", visibility="hidden"
        )
    ]
)

try:
    view = app_view()
    if not serving_path().exists():
        st.title("Stalking statistics, England and Wales")
        st.error(f"No published snapshot at {serving_path()}. Run `make pipeline` first.")
        st.stop()
    schema = stats_schema()
except (UnknownView, PublishedSchemaMissing) as problem:
    st.title("Stalking statistics, England and Wales")
    st.error(str(problem))
    st.stop()

if view == "restricted":
    # Exact counts are served to this machine only, unless an address is configured.
    address = st.get_option("server.address")
    allowed = {"127.0.0.1", "localhost", "::1", os.environ.get(ADDRESS_ENV, "127.0.0.1")}
    if address and address not in allowed:
        st.title("Stalking statistics, England and Wales")
        st.error(
            f"The restricted view is listening on {address}, not localhost. Start it with "
            f"`python -m reports_app.launch restricted`, or set {ADDRESS_ENV}={address} "
            "if this address is meant (behind sign-in: docs/WAREHOUSE.md)."
        )
        st.stop()
    # In the page body, above every page's content (the sidebar is hidden on phones).
    st.error(RESTRICTED_BANNER, icon="🔒")

with st.sidebar:
    if view == "public":
        st.markdown(f"**View: public** (`{schema}` schema, disclosure control applied)")
    else:
        st.markdown(f"**View: restricted** (`{schema}` schema, exact counts: not for release)")
    st.caption(
        f"Set by {VIEW_ENV}. Release {snapshot_info().get('release_id', 'unknown')}, "
        f"published {snapshot_info().get('published_at', 'unknown')}."
    )

if is_synthetic():
    st.warning(
        "SYNTHETIC DATA: these figures come from generated demonstration data, not from any "
        "police force, the CPS or a charity. They are not real statistics.",
        icon="⚠️",
    )

# Controls carry their value to the next page through the URL state (components.url_choice):
# a widget left behind by the previous page must not shadow it.
if st.session_state.get("_page") != page.url_path:
    for key in [k for k in st.session_state if str(k).startswith("choice_")]:
        del st.session_state[key]
    st.session_state.pop("period_type", None)
    st.session_state["_page"] = page.url_path

page.run()
