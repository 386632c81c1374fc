-- fct_advocacy_monthly with, per month and service, a total over the force areas it serves
-- (force_code X00000001, service_areas_total in reference.areas: not England and Wales), and
-- per month an 'All services' total for England and Wales (K04000001); before suppression
-- (disclosure schema).

{%- set counts = [
    'referrals_received', 'cases_opened', 'cases_closed', 'open_cases_end', 'waiting_list_end',
] %}

with service_rows as (
    {{ disclosure_with_totals(
        ref('fct_advocacy_monthly'),
        keys=['month', 'service_name', 'force_code'],
        sums=counts,
        carried={'advocate_fte': 'sum(advocate_fte)'},
        total_label='All force areas served',
        total_code=service_areas_total_code(),
    ) }}
),

all_services as (
    select
        month,
        'All services' as service_name,
        {{ disclosure_total_code() }} as force_code,
        {%- for column in counts %}
            cast(sum({{ column }}) as bigint) as {{ column }},
        {%- endfor %}
        sum(advocate_fte) as advocate_fte,
        'England and Wales' as area_label
    from service_rows
    where force_code = {{ service_areas_total_code() }}
    group by month
)

select * from service_rows
union all by name
select
    {{ disclosure_key(['month', 'service_name', 'force_code']) }} as row_key,
    *
from all_services
