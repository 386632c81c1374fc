-- Stalking Protection Order applications by force and quarter of application, by decision.
with orders as (
    select * from {{ ref('int_force_spos__current') }}
),

previous as (
    select
        force_code,
        financial_year,
        fy_quarter,
        count(*) as applications
    from ({{ rows_of_version(ref('stg_force_spos__orders'), 'force_spos', ['force_code', 'financial_year', 'fy_quarter'], 2) }})
    group by force_code, financial_year, fy_quarter
),

current_counts as (
    select
        force_code,
        financial_year,
        fy_quarter,
        count(*) as applications,
        count(*) filter (where decision = 'granted') as granted,
        count(*) filter (where decision = 'refused') as refused,
        count(*) filter (where decision = 'withdrawn') as withdrawn,
        count(*) filter (where decision = 'pending') as pending,
        coalesce(sum(breach_count), 0) as breaches
    from orders
    group by force_code, financial_year, fy_quarter
)

select
    current_counts.*,
    coalesce(
        previous.force_code is not null and previous.applications != current_counts.applications,
        false
    ) as is_revised
from current_counts
left join previous
    on
        current_counts.force_code = previous.force_code
        and current_counts.financial_year = previous.financial_year
        and current_counts.fy_quarter = previous.fy_quarter
