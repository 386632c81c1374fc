"""The disclosure audit between the dbt build and publication (docs/DISCLOSURE.md).

publish/disclosure_audit bounds every suppressed cell of the warehouse's published schema with
HiGHS and writes warehouse/disclosure_audit.json; its blocking check fails when a suppressed
count is determined exactly, a primary cell's range is narrower than 5, or a relation does not
hold for the true values, so that nothing downstream of it (the serving snapshot, the
exports) runs in that run.
"""

import dagster as dg

from orchestration.defs.resources import DataDirResource
from orchestration.defs.warehouse_assets import warehouse
from publish.disclosure.audit import audit_warehouse, write_summary

DISCLOSURE_AUDIT = dg.AssetKey(["publish", "disclosure_audit"])


@dg.asset(
    key=DISCLOSURE_AUDIT,
    deps=[warehouse],
    group_name="publish",
    description=(
        "Every suppressed cell's feasible range under all relations the public release shows "
        "(HiGHS); summary in warehouse/disclosure_audit.json."
    ),
    kinds={"python"},
    check_specs=[
        dg.AssetCheckSpec(
            "disclosure_audit_passes",
            asset=DISCLOSURE_AUDIT,
            blocking=True,
            description="No suppressed count determined exactly; every primary range >= 5; "
            "every relation holds for the true values.",
        )
    ],
)
def disclosure_audit(context: dg.AssetExecutionContext, data_dir: DataDirResource):
    paths = data_dir.paths
    summary = audit_warehouse(paths.warehouse_db)
    path = write_summary(summary, paths.warehouse_db)
    report = "\n".join(summary.lines())
    if summary.passed:
        context.log.info(report)
    else:
        context.log.error(report)
    metadata = {
        "passed": summary.passed,
        "suppressed_cells": summary.suppressed_cells,
        "primary_cells": summary.primary_cells,
        "relations": summary.relations,
        "blocks": summary.blocks,
        "largest_block": summary.largest_block,
        "linear_programs": summary.linear_programs,
        "false_relations": len(summary.false_relations),
        "exact_cells": summary.exact_cells,
        "narrowest_primary_range": summary.narrowest_primary_range,
        "seconds": summary.seconds,
        "path": str(path),
    }
    return dg.MaterializeResult(
        metadata=metadata,
        check_results=[
            dg.AssetCheckResult(
                check_name="disclosure_audit_passes",
                passed=summary.passed,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={
                    **metadata,
                    "failures": dg.MetadataValue.json(summary.failures[:20]),
                    "summary": report,
                },
            )
        ],
    )
