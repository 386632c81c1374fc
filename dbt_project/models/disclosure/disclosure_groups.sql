-- The additive groups of the published tables: each group is a linear equation between
-- published cells that an outsider knows holds, so that a group with exactly one suppressed
-- cell would give it away by subtraction. One row per group and member cell; is_total marks
-- the cell that is the sum of the others (none in a stock-flow group). Working table of the
-- disclosure schema (never served).

{%- set total = disclosure_total_code() %}

with positions as (
    select * from {{ ref('disclosure_positions') }}
),

territorial as (
    select force_code
    from {{ ref('dim_force') }}
    where is_territorial
),

across_forces as (
    -- A national total and the territorial forces it sums, per table, count and other keys
    -- (per month and service for advocacy: a service's total, X00000001, over the force areas
    -- it serves; the all-services rows have no force members and are summed in
    -- across_services).
    select
        positions.table_name || '|across_forces|' || positions.measure || '|' || positions.group_key
            as group_id,
        'across_forces' as group_kind,
        positions.cell_id,
        positions.force_code in ({{ total }}, {{ service_areas_total_code() }}) as is_total
    from positions
    where
        positions.force_code in ({{ total }}, {{ service_areas_total_code() }})
        or positions.force_code in (select territorial.force_code from territorial)
),

row_sums as (
    -- Within a row, one count is the sum of others.
    select
        table_name || '|row_sum|' || row_key as group_id,
        'row_sum' as group_kind,
        cell_id,
        measure in ('applications', 'courses_of_conduct', 'contacts') as is_total
    from positions
    where
        (table_name = 'fct_spo_quarterly' and measure in ('applications', 'granted', 'refused', 'withdrawn', 'pending'))
        or (
            table_name = 'fct_courses_of_conduct_yearly'
            and measure in ('courses_of_conduct', 'recognised_as_stalking', 'possible_unrecognised')
        )
        or (
            table_name in ('fct_helpline_monthly', 'helpline_regional_monthly')
            and measure in ('contacts', 'answered', 'unanswered')
        )
),

outcomes as (
    select
        rows_.*,
        {{ disclosure_key(['force_code', 'financial_year', 'fy_quarter']) }} as quarter_key,
        {{ disclosure_cell_id('fct_outcomes_quarterly', 'outcomes', 'rows_.row_key') }} as cell_id
    from {{ ref('disclosure_rows__outcomes') }} as rows_
),

outcomes_by_type as (
    -- The outcomes of a force-quarter-offence (by outcome type, 0 = not yet assigned) sum to
    -- its recorded crimes in fct_recorded_crime_quarterly.
    select
        'outcomes_by_type|' || quarter_key || '|' || offence_code as group_id,
        'outcomes_by_type' as group_kind,
        cell_id,
        false as is_total
    from outcomes
    union all
    select distinct
        'outcomes_by_type|' || quarter_key || '|' || offence_code as group_id,
        'outcomes_by_type' as group_kind,
        {{ disclosure_cell_id(
            'fct_recorded_crime_quarterly', 'crimes',
            disclosure_key(['force_code', 'financial_year', 'fy_quarter', 'offence_code'])
        ) }} as cell_id,
        true as is_total
    from outcomes
),

response as (
    select
        rows_.row_key,
        {{ disclosure_cell_id('fct_stalking_response_quarterly', 'outcomes_assigned', 'rows_.row_key') }}
            as assigned_cell,
        {{ disclosure_cell_id('fct_stalking_response_quarterly', 'evidential_difficulties', 'rows_.row_key') }}
            as evidential_cell,
        {{ disclosure_cell_id(
            'fct_recorded_crime_quarterly', 'crimes',
            disclosure_key(['force_code', 'financial_year', 'fy_quarter', "'8Q'"])
        ) }} as crimes_cell
    from {{ ref('disclosure_rows__stalking_response') }} as rows_
),

-- The jinja list below confuses the linter's indentation check (as in macros/).
-- noqa: disable=LT02
response_links as (
    -- fct_stalking_response_quarterly against the outcomes of stalking (8Q) crimes: outcomes
    -- assigned = outcome types 1 and up; evidential difficulties = types 14 to 16; stalking
    -- crimes = not yet assigned (type 0) + outcomes assigned. Each group: the outcomes of its
    -- types, and its response cells (name, outcome types, [(cell, is_total)]).
    {%- for name, outcome_types, cells in [
        ('response_assigned', '> 0', [('assigned_cell', true)]),
        ('response_evidential', 'between 14 and 16', [('evidential_cell', true)]),
        ('response_assignment', '= 0', [('assigned_cell', false), ('crimes_cell', true)]),
    ] %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            '{{ name }}|' || response.row_key as group_id,
            'response_outcomes' as group_kind,
            outcomes.cell_id,
            false as is_total
        from response
        inner join outcomes on response.row_key = outcomes.quarter_key
        where outcomes.offence_code = '8Q' and outcomes.outcome_type {{ outcome_types }}
        {%- for cell, is_total in cells %}
            union all
            select
                '{{ name }}|' || row_key as group_id,
                'response_outcomes' as group_kind,
                {{ cell }} as cell_id,
                {{ is_total }} as is_total
            from response
        {%- endfor %}
    {%- endfor %}
),

-- noqa: enable=LT02
helpline_cells as (
    -- Helpline force-area and area-not-known cells, with what the regional groups need.
    select
        rows_.month,
        rows_.region_code,
        rows_.channel,
        rows_.force_code,
        measures.measure,
        'fct_helpline_monthly|' || measures.measure || '|' || rows_.row_key as cell_id
    from {{ ref('disclosure_rows__helpline') }} as rows_
    cross join (values ('contacts'), ('answered'), ('unanswered')) as measures (measure)
),

region_cells as (
    select
        rows_.month,
        rows_.region_code,
        rows_.channel,
        measures.measure,
        'helpline_regional_monthly|' || measures.measure || '|' || rows_.row_key as cell_id
    from {{ ref('disclosure_rows__helpline_regions') }} as rows_
    cross join (values ('contacts'), ('answered'), ('unanswered')) as measures (measure)
),

helpline_regions as (
    -- A region's contacts by channel sum its territorial force areas' and those of its
    -- contacts whose force area is not known; its 'all' channel row sums the channels; and,
    -- per month and channel, the regions sum the England and Wales total (territorial force
    -- areas) plus every area-not-known contact.
    select
        'helpline_region|' || region_cells.cell_id as group_id,
        'helpline_regions' as group_kind,
        region_cells.cell_id,
        true as is_total
    from region_cells
    where region_cells.channel != 'all'
    union all by name
    select
        'helpline_region|' || region_cells.cell_id as group_id,
        'helpline_regions' as group_kind,
        helpline_cells.cell_id,
        false as is_total
    from region_cells
    inner join helpline_cells
        on
            region_cells.month = helpline_cells.month
            and region_cells.region_code = helpline_cells.region_code
            and region_cells.channel = helpline_cells.channel
            and region_cells.measure = helpline_cells.measure
    where
        helpline_cells.force_code is null
        or helpline_cells.force_code in (select territorial.force_code from territorial)
    union all by name
    select
        'helpline_region_channels|' || month || '|' || region_code || '|' || measure as group_id,
        'helpline_regions' as group_kind,
        cell_id,
        channel = 'all' as is_total
    from region_cells
    union all by name
    select
        'helpline_regions_national|' || month || '|' || channel || '|' || measure as group_id,
        'helpline_regions' as group_kind,
        cell_id,
        false as is_total,
        1 as coefficient
    from region_cells
    where channel != 'all'
    union all by name
    select
        'helpline_regions_national|' || month || '|' || channel || '|' || measure as group_id,
        'helpline_regions' as group_kind,
        cell_id,
        false as is_total,
        -1 as coefficient
    from helpline_cells
    where force_code is null or force_code = {{ total }}
),

advocacy as (
    select
        rows_.*,
        strftime(strptime(rows_.month || '-01', '%Y-%m-%d') - interval 1 month, '%Y-%m') as previous_month
    from {{ ref('disclosure_rows__advocacy') }} as rows_
),

across_services as (
    -- Each month's all-services total and the service totals it sums.
    select
        'advocacy_across_services|' || positions.measure || '|' || advocacy.month as group_id,
        'across_services' as group_kind,
        positions.cell_id,
        advocacy.service_name = 'All services' as is_total
    from positions
    inner join advocacy on positions.row_key = advocacy.row_key
    where
        positions.table_name = 'fct_advocacy_monthly'
        and advocacy.force_code in ({{ total }}, {{ service_areas_total_code() }})
),

transitions as (
    -- Consecutive months of a service and force area (or total) where the caseload carries
    -- over: open cases at the end of the month = open cases at the end of the month before
    -- + cases opened - cases closed.
    select
        current_.row_key as current_key,
        previous.row_key as previous_key
    from advocacy as current_
    inner join advocacy as previous
        on
            current_.service_name = previous.service_name
            and current_.force_code = previous.force_code
            and current_.previous_month = previous.month
    where current_.open_cases_end = previous.open_cases_end + current_.cases_opened - current_.cases_closed
),

-- end of this month - end of the month before - opened + closed = 0.
stock_flow as (
    {%- for measure, key, coefficient in [
        ('open_cases_end', 'previous_key', -1), ('cases_opened', 'current_key', -1),
        ('cases_closed', 'current_key', 1), ('open_cases_end', 'current_key', 1),
    ] %}
        select
            'advocacy_stock_flow|' || current_key as group_id,
            'stock_flow' as group_kind,
            {{ disclosure_cell_id('fct_advocacy_monthly', measure, key) }} as cell_id,
            false as is_total,
            {{ coefficient }} as coefficient
        from transitions
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

comparison_years as (
    -- A yearly comparison figure (a cell of its own) sums its input's cells over the quarters.
    select
        'comparison_year|' || years.cell_id as group_id,
        'comparison_year' as group_kind,
        years.cell_id,
        true as is_total
    from {{ ref('disclosure_rows__comparison_years') }} as years
    union all
    select
        'comparison_year|' || years.cell_id as group_id,
        'comparison_year' as group_kind,
        sources.cell_id,
        false as is_total
    from {{ ref('disclosure_rows__comparison_years') }} as years
    inner join {{ ref('disclosure_comparison_sources') }} as sources
        on
            years.force_code = sources.force_code
            and years.financial_year = sources.financial_year
            and years.input = sources.input
),

all_groups as (
    select * from across_forces
    union all by name
    select * from row_sums
    union all by name
    select * from outcomes_by_type
    union all by name
    select * from response_links
    union all by name
    select * from helpline_regions
    union all by name
    select * from across_services
    union all by name
    select * from stock_flow
    union all by name
    select * from comparison_years
)

-- A group needs a member besides its total (an all-services row has no force members).
-- coefficient: the group's equation is sum(coefficient * cell) = 0 (total +1, members -1).
select distinct
    group_id,
    group_kind,
    cell_id,
    is_total,
    coalesce(coefficient, case when is_total then 1 else -1 end) as coefficient
from all_groups
qualify count(*) filter (where not is_total) over (partition by group_id) > 0
