-- Advocacy services' monthly caseloads by service and force area served.
select
    month,
    service_name,
    force_code,
    sum(referrals_received) as referrals_received,
    sum(cases_opened) as cases_opened,
    sum(cases_closed) as cases_closed,
    sum(open_cases_end) as open_cases_end,
    sum(waiting_list_end) as waiting_list_end,
    -- Decimal, not double: a sum of doubles depends on the order threads add them in.
    cast(sum(cast(advocate_fte as decimal(12, 2))) as decimal(12, 2)) as advocate_fte
from {{ ref('int_advocacy_caseload__current') }}
group by month, service_name, force_code
