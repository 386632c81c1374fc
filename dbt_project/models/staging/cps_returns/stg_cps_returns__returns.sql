-- CPS quarterly returns in usable submissions: one row per force, quarter and offence act.
with returns as (
    select * from {{ source('raw', 'cps_returns') }}
    where _submission_id is not null
),

ledger as (
    select * from {{ ref('stg_ingest__ledger') }}
    where is_usable
)

select
    returns._submission_id as submission_id,
    ledger.ingest_seq,
    returns._row_number as source_row_number,
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
inner join ledger on returns._submission_id = ledger.record_id
