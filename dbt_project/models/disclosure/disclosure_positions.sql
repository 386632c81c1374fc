-- Every count the published tables show, one row per table, row and count column, with the
-- cell it shows (cell_id) and its value before suppression. A count shown in two tables is one
-- cell: a force-quarter's stalking crimes (recorded crime 8Q, stalking response, the forces'
-- extracts in the reconciliation) and its stalking crimes charged (outcome type 1). Working
-- table of the disclosure schema (never served).

{%- set stalking_crimes_cell = disclosure_cell_id(
    'fct_recorded_crime_quarterly', 'crimes',
    disclosure_key(['force_code', 'financial_year', 'fy_quarter', "'8Q'"])
) %}
{%- set stalking_charged_cell = disclosure_cell_id(
    'fct_outcomes_quarterly', 'outcomes',
    disclosure_key(['force_code', 'financial_year', 'fy_quarter', "'8Q'", '1'])
) %}

with reconciliation_coverage as (
    -- Quarters where the reconciliation covers every territorial force with stalking crimes:
    -- there its national total is the recorded crime national total, the same cell.
    select
        rows_.financial_year,
        rows_.fy_quarter,
        count(*) = any_value(recorded.forces) as covers_all_forces
    from {{ ref('disclosure_rows__reconciliation') }} as rows_
    inner join {{ ref('dim_force') }} as forces
        on rows_.force_code = forces.force_code and forces.is_territorial
    left join (
        select
            crimes.financial_year,
            crimes.fy_quarter,
            count(*) as forces
        from {{ ref('disclosure_rows__recorded_crime') }} as crimes
        inner join {{ ref('dim_force') }} as crime_forces
            on crimes.force_code = crime_forces.force_code and crime_forces.is_territorial
        where crimes.offence_code = '8Q'
        group by crimes.financial_year, crimes.fy_quarter
    ) as recorded
        on rows_.financial_year = recorded.financial_year and rows_.fy_quarter = recorded.fy_quarter
    group by rows_.financial_year, rows_.fy_quarter
),

reconciliation as (
    select
        rows_.*,
        coalesce(coverage.covers_all_forces, false) as covers_all_forces
    from {{ ref('disclosure_rows__reconciliation') }} as rows_
    left join reconciliation_coverage as coverage
        on
            rows_.financial_year = coverage.financial_year
            and rows_.fy_quarter = coverage.fy_quarter
),

positions as (
    {{ disclosure_positions(
        ref('disclosure_rows__recorded_crime'), 'fct_recorded_crime_quarterly',
        ['force_code', 'financial_year', 'fy_quarter', 'offence_code'], ['crimes'],
    ) }}
    union all
    {{ disclosure_positions(
        ref('disclosure_rows__outcomes'), 'fct_outcomes_quarterly',
        ['force_code', 'financial_year', 'fy_quarter', 'offence_code', 'outcome_type'],
        ['outcomes'],
    ) }}
    union all
    {{ disclosure_positions(
        ref('disclosure_rows__stalking_response'), 'fct_stalking_response_quarterly',
        ['force_code', 'financial_year', 'fy_quarter'],
        [
            'stalking_crimes', 'screened', 'risk_assessed', 'high_risk', 'masip_referred',
            'outcomes_assigned', 'charged_summonsed', 'evidential_difficulties', 'cyber_enabled',
            'domestic',
        ],
        cell_ids={
            'stalking_crimes': stalking_crimes_cell,
            'charged_summonsed': stalking_charged_cell,
        },
    ) }}
    union all
    {{ disclosure_positions(
        'reconciliation', 'reconciliation_home_office',
        ['force_code', 'financial_year', 'fy_quarter'], ['extract_crimes'],
        cell_ids={
            'extract_crimes': 'case when force_code != ' ~ disclosure_total_code()
                ~ ' or covers_all_forces then ' ~ stalking_crimes_cell
                ~ ' else ' ~ disclosure_cell_id('reconciliation_home_office', 'extract_crimes', 'row_key')
                ~ ' end',
        },
    ) }}
    union all
    {{ disclosure_positions(
        ref('disclosure_rows__spo'), 'fct_spo_quarterly',
        ['force_code', 'financial_year', 'fy_quarter'],
        ['applications', 'granted', 'refused', 'withdrawn', 'pending', 'breaches'],
    ) }}
    union all
    {{ disclosure_positions(
        ref('disclosure_rows__prosecutions'), 'fct_prosecutions_quarterly',
        ['force_code', 'financial_year', 'fy_quarter', 'offence_act'],
        ['pre_charge_decisions', 'charged', 'prosecutions_completed', 'convictions'],
    ) }}
    union all
    {{ disclosure_positions(
        ref('disclosure_rows__courses_of_conduct'), 'fct_courses_of_conduct_yearly',
        ['force_code', 'financial_year'],
        ['courses_of_conduct', 'recognised_as_stalking', 'possible_unrecognised', 'crimes_in_courses'],
    ) }}
    union all
    {{ disclosure_positions(
        ref('disclosure_rows__training'), 'fct_training_yearly',
        ['force_code', 'financial_year', 'course_type'], ['in_scope', 'trained'],
    ) }}
    union all
    {{ disclosure_positions(
        ref('disclosure_rows__helpline'), 'fct_helpline_monthly',
        ['month', 'force_code', 'channel', 'region_code'], ['contacts', 'answered', 'unanswered'],
        total_by=['month', 'channel'],
    ) }}
    union all
    {{ disclosure_positions(
        ref('disclosure_rows__helpline_regions'), 'helpline_regional_monthly',
        ['month', 'region_code', 'channel'], ['contacts', 'answered', 'unanswered'],
    ) }}
    union all
    {{ disclosure_positions(
        ref('disclosure_rows__advocacy'), 'fct_advocacy_monthly',
        ['month', 'service_name', 'force_code'],
        ['referrals_received', 'cases_opened', 'cases_closed', 'open_cases_end', 'waiting_list_end'],
    ) }}
)

select * from positions
