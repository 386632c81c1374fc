-- The published cells each comparison input of a territorial force and quarter is the sum of
-- (int_comparisons__metric_inputs), one row per input, force, quarter and cell: what a yearly
-- comparison figure sums, so that it can be controlled as a cell of its own.

with positions as (
    select * from {{ ref('disclosure_positions') }}
),

territorial as (
    select force_code
    from {{ ref('dim_force') }}
    where is_territorial
),

comparison_quarters as (
    -- The quarters the comparisons cover: a year figure sums these only.
    select distinct
        financial_year,
        fy_quarter
    from {{ ref('force_comparisons') }}
    where period_type = 'quarter'
),

crimes as (
    select
        rows_.force_code,
        rows_.financial_year,
        rows_.fy_quarter,
        rows_.offence_code,
        positions.cell_id
    from {{ ref('disclosure_rows__recorded_crime') }} as rows_
    inner join positions
        on
            positions.table_name = 'fct_recorded_crime_quarterly'
            and positions.measure = 'crimes'
            and rows_.row_key = positions.row_key
    inner join {{ ref('ref_offences') }} as offences
        on rows_.offence_code = offences.offence_code
    where offences.offence_subgroup = 'Stalking and harassment'
),

response as (
    select
        rows_.force_code,
        rows_.financial_year,
        rows_.fy_quarter,
        positions.measure as input,
        positions.cell_id
    from {{ ref('disclosure_rows__stalking_response') }} as rows_
    inner join positions
        on
            positions.table_name = 'fct_stalking_response_quarterly'
            and rows_.row_key = positions.row_key
    where positions.measure in (
        'screened', 'risk_assessed', 'high_risk', 'masip_referred', 'outcomes_assigned',
        'charged_summonsed', 'evidential_difficulties'
    )
),

spo as (
    select
        rows_.force_code,
        rows_.financial_year,
        rows_.fy_quarter,
        positions.measure,
        positions.cell_id
    from {{ ref('disclosure_rows__spo') }} as rows_
    inner join positions
        on positions.table_name = 'fct_spo_quarterly' and rows_.row_key = positions.row_key
    where positions.measure in ('applications', 'granted', 'refused')
),

prosecutions as (
    select
        rows_.force_code,
        rows_.financial_year,
        rows_.fy_quarter,
        positions.measure as input,
        positions.cell_id
    from {{ ref('disclosure_rows__prosecutions') }} as rows_
    inner join positions
        on
            positions.table_name = 'fct_prosecutions_quarterly'
            and rows_.row_key = positions.row_key
    where rows_.is_stalking_offence and positions.measure in ('convictions', 'prosecutions_completed')
),

helpline as (
    select
        rows_.force_code,
        {{ financial_year("strptime(rows_.month || '-01', '%Y-%m-%d')") }} as financial_year,
        {{ fy_quarter("strptime(rows_.month || '-01', '%Y-%m-%d')") }} as fy_quarter,
        'helpline_' || positions.measure as input,
        positions.cell_id
    from {{ ref('disclosure_rows__helpline') }} as rows_
    inner join positions
        on positions.table_name = 'fct_helpline_monthly' and rows_.row_key = positions.row_key
    where positions.measure in ('contacts', 'answered')
),

sources as (
    select
        force_code,
        financial_year,
        fy_quarter,
        'stalking_crimes' as input,
        cell_id
    from crimes
    where offence_code = '8Q'
    union all
    select
        force_code,
        financial_year,
        fy_quarter,
        'stalking_harassment_crimes' as input,
        cell_id
    from crimes
    union all
    select
        force_code,
        financial_year,
        fy_quarter,
        input,
        cell_id
    from response
    union all
    select
        force_code,
        financial_year,
        fy_quarter,
        'spo_' || measure as input,
        cell_id
    from spo
    where measure in ('applications', 'granted')
    union all
    select
        force_code,
        financial_year,
        fy_quarter,
        'spo_decided' as input,
        cell_id
    from spo
    where measure in ('granted', 'refused')
    union all
    select
        force_code,
        financial_year,
        fy_quarter,
        input,
        cell_id
    from prosecutions
    union all
    select
        force_code,
        financial_year,
        fy_quarter,
        input,
        cell_id
    from helpline
)

select distinct
    sources.force_code,
    sources.financial_year,
    sources.fy_quarter,
    sources.input,
    sources.cell_id
from sources
inner join comparison_quarters
    on
        sources.financial_year = comparison_quarters.financial_year
        and sources.fy_quarter = comparison_quarters.fy_quarter
where sources.force_code in (select territorial.force_code from territorial)
