-- Stalking Protection Order applications in usable submissions, with the application quarter.
with orders as (
    {{ usable_submission_rows(source('raw', 'force_spos')) }}
)

select
    orders.submission_id,
    orders.ingest_seq,
    orders.source_row_number,
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
