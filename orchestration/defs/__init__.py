"""The Dagster definitions, one module a part of the flow: resources, ingest, linkage,
warehouse, disclosure audit, publish, exports, jobs and automation. `definitions.py` gathers
them into the code location."""
