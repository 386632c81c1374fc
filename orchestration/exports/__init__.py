"""Exports of the published (disclosure-controlled) statistics, built from the serving snapshot:
Parquet per published table, the accessible spreadsheet, and the service-demand report.

Each export is a plain function taking the serving DuckDB path and an output directory (tests
call them directly); assets.py wraps them as Dagster assets downstream of the snapshot. They
read only the `published` schema (and meta.snapshot_info for the synthetic-data flag).
"""
