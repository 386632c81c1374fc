"""Public exports of a release: Parquet, the accessible spreadsheet, the HTML report."""
