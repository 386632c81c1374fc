-- Stalking Protection Order applications in usable submissions, with the application quarter.
with orders as (
    select * from {{ source('raw', 'force_spos') }}
    where _submission_id is not null
),

ledger as (
    select * from {{ ref('stg_ingest__ledger') }}
    where is_usable
)

select
    orders._submission_id as submission_id,
    ledger.ingest_seq,
    orders._row_number as source_row_number,
    orders.force_code,
    orders.spo_ref as spo_key,
    orders.crime_ref as crime_key,
    orders.application_date,
    {{ financial_year('orders.application_date') }} as financial_year,
    {{ fy_quarter('orders.application_date') }} as fy_quarter,
    orders.order_type,
    orders.decision,
    orders.decision_date,
    orders.breach_count
from orders
inner join ledger on orders._submission_id = ledger.record_id
