{#- Yearly count tables (force × financial year; docs/WAREHOUSE.md, "Yearly tables"). A year is
    summed from the EXACT rows of the quarterly (or monthly) disclosure table, national and
    service totals included, and then controlled as cells of its own: never a sum of
    suppressed quarters. -#}

-- noqa: disable=LT02

{#- The yearly tables: (table name, key columns without financial_year, counts, the columns
    national totals are per or none for the keys other than force_code). The rows model of
    fct_<name>_yearly is disclosure_rows__<name>_yearly; its quarterly (or monthly) table is
    fct_<name>_quarterly (or _monthly). -#}
{% macro yearly_tables() -%}
    {{ return([
        ('fct_recorded_crime_yearly', ['force_code', 'offence_code'], ['crimes'], none),
        ('fct_outcomes_yearly', ['force_code', 'offence_code', 'outcome_type'], ['outcomes'], none),
        ('fct_stalking_response_yearly', ['force_code'], [
            'stalking_crimes', 'screened', 'risk_assessed', 'high_risk', 'masip_referred',
            'outcomes_assigned', 'charged_summonsed', 'evidential_difficulties', 'cyber_enabled',
            'domestic',
        ], none),
        ('fct_spo_yearly', ['force_code'], ['applications', 'granted', 'refused', 'withdrawn', 'pending', 'breaches'], none),
        ('fct_prosecutions_yearly', ['force_code', 'offence_act'], [
            'pre_charge_decisions', 'charged', 'prosecutions_completed', 'convictions',
        ], none),
        ('fct_helpline_yearly', ['force_code', 'channel', 'region_code'], ['contacts', 'answered', 'unanswered'], ['financial_year', 'channel']),
        ('fct_advocacy_yearly', ['service_name', 'force_code'], ['referrals_received', 'cases_opened', 'cases_closed'], none),
    ]) }}
{%- endmacro %}

{#- The year rows of a disclosure rows model: keys (without the period columns) and
    financial_year, each count summed, row_key, area_label, and carried columns
    ({column: aggregate}). period: 'quarter' (financial_year, fy_quarter) or 'month'. -#}
{% macro disclosure_yearly_rows(rows_model, keys, sums, carried={}, period='quarter') -%}
    with period_rows as (
        {%- if period == 'month' %}
            select
                rows_.*,
                calendar.financial_year
            from {{ ref(rows_model) }} as rows_
            inner join {{ ref('reference_calendar') }} as calendar on rows_.month = calendar.month
        {%- else %}
            select * from {{ ref(rows_model) }}
        {%- endif %}
    )

    select
        {{ disclosure_key(keys + ['financial_year']) }} as row_key,
        {%- for column in keys %}
            {{ column }},
        {%- endfor %}
        financial_year,
        any_value(area_label) as area_label,
        {%- for column, aggregate in carried.items() %}
            {{ aggregate }} as {{ column }},
        {%- endfor %}
        {%- for column in sums %}
            cast(sum({{ column }}) as bigint) as {{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from period_rows
    group by {% for column in keys %}{{ column }}, {% endfor %}financial_year
{%- endmacro %}


{#- Per source, force area (or national total) and financial year: whether every area the row
    covers submitted every period of the year that anyone submitted for (release.coverage).
    A force row covers its force; a total row (K04000001) every territorial force area. -#}
{% macro yearly_submission(source) -%}
    select
        coverage.submitter as force_code,
        calendar.financial_year,
        bool_and(coverage.submitted) as all_submitted
    from {{ ref('release_coverage') }} as coverage
    inner join (
        select distinct
            financial_year,
            quarter_label as period
        from {{ ref('reference_calendar') }}
        union all
        select
            financial_year,
            month as period
        from {{ ref('reference_calendar') }}
    ) as calendar on coverage.period = calendar.period
    where coverage.source = '{{ source }}' and coverage.submitter_kind = 'force_area'
    group by coverage.submitter, calendar.financial_year
{%- endmacro %}


{#- A published yearly table: the controlled counts of a yearly disclosure rows model, the
    year's period status and whether every area the row covers submitted for the whole year.
    status_kinds: [(period status kind, column prefix)], see period_status_columns. -#}
{% macro published_yearly(
    table_name, rows_model, keys, counts, source=none, status_kinds=[('status', '')], carried=[]
) -%}
    with rows_ as (
        select * from {{ ref(rows_model) }}
    ),

    status as (
        {{ disclosure_status(table_name, counts) }}
    ){% if source is not none %},

    submission as (
        {{ yearly_submission(source) }}
    ),

    totals as (
        select
            submission.financial_year,
            bool_and(submission.all_submitted) as all_submitted
        from submission
        inner join {{ ref('dim_force') }} as forces
            on submission.force_code = forces.force_code and forces.is_territorial
        group by submission.financial_year
    ){% endif %}

    select
        {%- for column in keys %}
            rows_.{{ column }},
        {%- endfor %}
        rows_.area_label,
        rows_.financial_year,
        {%- for column in carried %}
            rows_.{{ column }},
        {%- endfor %}
        {%- for column in counts %}
            {{ disclosure_count(column) }},
        {%- endfor %}
        cast(periods.quarters_with_data as integer) as quarters_in_year,
        {%- for kind, prefix in status_kinds %}
            {{ period_status_columns(kind, prefix=prefix) }},
        {%- endfor %}
        {%- if source is not none %}
            case
                when rows_.force_code = {{ disclosure_total_code() }} then totals.all_submitted
                else submission.all_submitted
            end as all_areas_submitted
        {%- else %}
            cast(null as boolean) as all_areas_submitted
        {%- endif %}
    from rows_
    left join status on rows_.row_key = status.row_key
    {{ period_status_join(period_type='financial_year') }}
    {%- if source is not none %}
        left join submission
            on rows_.force_code = submission.force_code and rows_.financial_year = submission.financial_year
        left join totals on rows_.financial_year = totals.financial_year
    {%- endif %}
{%- endmacro %}
