-- CPS quarterly returns in usable submissions: one row per force, quarter and offence act.
with returns as (
    {{ usable_submission_rows(source('raw', 'cps_returns')) }}
)

select
    returns.submission_id,
    returns.ingest_seq,
    returns.source_row_number,
    returns.cps_area,
    returns.force_code,
    returns.financial_year,
    returns.fy_quarter,
    returns.offence_act,
    returns.offence_act in ('PHA1997_s2A', 'PHA1997_s4A') as is_stalking_offence,
    returns.pre_charge_decisions,
    returns.charged,
    returns.prosecutions_completed,
    returns.convictions
from returns
