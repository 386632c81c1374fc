"""The reports app: comparative stalking statistics from the serving snapshot only."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run reports_app/app.py` puts reports_app/ on the path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reports_app.data import is_synthetic, serving_path  # noqa: E402

st.set_page_config(page_title="Stalking statistics, England and Wales", layout="wide")

if not serving_path().exists():
    st.title("Stalking statistics, England and Wales")
    st.error(f"No published snapshot at {serving_path()}. Run `make pipeline` first.")
    st.stop()

if is_synthetic():
    st.warning(
        "SYNTHETIC DATA: these figures come from generated demonstration data, not from any "
        "police force, the CPS or a charity. They are not real statistics.",
        icon="⚠️",
    )

page = st.navigation([st.Page("views/overview.py", title="Overview", url_path="overview")])
page.run()
