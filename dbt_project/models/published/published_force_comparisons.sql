-- marts.force_comparisons, disclosure controlled. A figure is withheld ([c]) when any
-- published count it is built from is suppressed in its published table (so no comparison
-- figure reveals a suppressed cell), or when its numerator, or a denominator that is a count
-- (not a population), is 1 to 4. Withheld: numerator, denominator, value, the four interval
-- bounds and the z-score are NULL and funnel_class is 'insufficient_data'. Otherwise a
-- numerator below 10 marks the value '[u]' (low reliability). The national, region and peer
-- values are withheld when any figure they sum is. A yearly figure of a flow is controlled as
-- a cell of its own (disclosure_rows__comparison_years, computed from exact counts), not
-- withheld because one of its quarters is. The dispersion factor phi (over all forces) is
-- shown only for a metric and period with no withheld force.
{{ config(alias='force_comparisons') }}

{%- set total = disclosure_total_code() %}
{%- set metric_inputs = comparison_metric_inputs() %}
{%- set flows = comparison_flows() %}
{%- set stocks = ['waiting_list_end', 'advocacy_caseload'] %}

with comparisons as (
    select * from {{ ref('force_comparisons') }}
),

quarters as (
    select distinct
        financial_year,
        fy_quarter
    from comparisons
    where period_type = 'quarter'
),

areas as (
    -- The territorial forces and the national total (K04000001) of the published tables.
    select force_code
    from {{ ref('dim_force') }}
    where is_territorial
    union all
    select {{ total }} as force_code
),

crime_flags as (
    select
        crimes.force_code,
        crimes.financial_year,
        crimes.fy_quarter,
        bool_or(crimes.crimes_marker = '[c]') filter (where crimes.offence_code = '8Q') as stalking_crimes,
        bool_or(crimes.crimes_marker = '[c]') filter (
            where offences.offence_subgroup = 'Stalking and harassment'
        ) as stalking_harassment_crimes
    from {{ ref('published_fct_recorded_crime_quarterly') }} as crimes
    inner join {{ ref('ref_offences') }} as offences on crimes.offence_code = offences.offence_code
    group by crimes.force_code, crimes.financial_year, crimes.fy_quarter
),

response_flags as (
    select
        force_code,
        financial_year,
        fy_quarter,
        {%- for column in [
            'screened', 'risk_assessed', 'high_risk', 'masip_referred', 'outcomes_assigned',
            'charged_summonsed', 'evidential_difficulties',
        ] %}
            {{ column }}_marker = '[c]' as {{ column }},
        {%- endfor %}
        stalking_crimes_marker = '[c]' as response_stalking_crimes
    from {{ ref('published_fct_stalking_response_quarterly') }}
),

spo_flags as (
    select
        force_code,
        financial_year,
        fy_quarter,
        applications_marker = '[c]' as spo_applications,
        granted_marker = '[c]' as spo_granted,
        granted_marker = '[c]' or refused_marker = '[c]' as spo_decided
    from {{ ref('published_fct_spo_quarterly') }}
),

prosecution_flags as (
    select
        force_code,
        financial_year,
        fy_quarter,
        bool_or(convictions_marker = '[c]') as convictions,
        bool_or(prosecutions_completed_marker = '[c]') as prosecutions_completed
    from {{ ref('published_fct_prosecutions_quarterly') }}
    where is_stalking_offence
    group by force_code, financial_year, fy_quarter
),

helpline_flags as (
    select
        force_code,
        {{ financial_year("strptime(month || '-01', '%Y-%m-%d')") }} as financial_year,
        {{ fy_quarter("strptime(month || '-01', '%Y-%m-%d')") }} as fy_quarter,
        bool_or(contacts_marker = '[c]') as helpline_contacts,
        bool_or(answered_marker = '[c]') as helpline_answered
    from {{ ref('published_fct_helpline_monthly') }}
    where force_code is not null
    group by all
),

advocacy_months as (
    -- A force area's caseload at a month end sums the services serving it; the national
    -- caseload is the all-services total.
    select
        force_code,
        month,
        {{ financial_year("strptime(month || '-01', '%Y-%m-%d')") }} as financial_year,
        {{ fy_quarter("strptime(month || '-01', '%Y-%m-%d')") }} as fy_quarter,
        bool_or(waiting_list_end_marker = '[c]') as waiting_list_end,
        bool_or(waiting_list_end_marker = '[c]' or open_cases_end_marker = '[c]') as advocacy_caseload
    from {{ ref('published_fct_advocacy_monthly') }}
    where force_code != {{ service_areas_total_code() }}
    group by force_code, month
),

advocacy_quarters as (
    -- The caseload at the quarter's end is at its last month with a return.
    select
        force_code,
        financial_year,
        fy_quarter,
        max(month) as last_month,
        arg_max(waiting_list_end, month) as waiting_list_end,
        arg_max(advocacy_caseload, month) as advocacy_caseload
    from advocacy_months
    group by force_code, financial_year, fy_quarter
),

advocacy_flags as (
    -- The national caseload is the all-services total only when every force area's last
    -- return is the quarter's last month; otherwise withhold it.
    select
        quarters_.force_code,
        quarters_.financial_year,
        quarters_.fy_quarter,
        true as has_advocacy,
        quarters_.waiting_list_end or coalesce(mismatch.any_mismatch, false) as waiting_list_end,
        quarters_.advocacy_caseload or coalesce(mismatch.any_mismatch, false) as advocacy_caseload
    from advocacy_quarters as quarters_
    left join (
        select
            forces.financial_year,
            forces.fy_quarter,
            bool_or(forces.last_month != national.last_month) as any_mismatch
        from advocacy_quarters as forces
        inner join advocacy_quarters as national
            on
                national.force_code = {{ total }}
                and forces.financial_year = national.financial_year
                and forces.fy_quarter = national.fy_quarter
        where forces.force_code != {{ total }}
        group by forces.financial_year, forces.fy_quarter
    ) as mismatch
        on
            quarters_.force_code = {{ total }}
            and quarters_.financial_year = mismatch.financial_year
            and quarters_.fy_quarter = mismatch.fy_quarter
),

quarter_flags as (
    -- Per area and quarter, whether each comparison input includes a suppressed published
    -- count (an input with no published row is a zero: not suppressed).
    select
        areas.force_code,
        quarters.financial_year,
        quarters.fy_quarter,
        coalesce(advocacy_flags.has_advocacy, false) as has_advocacy,
        coalesce(crime_flags.stalking_crimes or response_flags.response_stalking_crimes, false)
            as stalking_crimes,
        coalesce(crime_flags.stalking_harassment_crimes, false) as stalking_harassment_crimes,
        {%- for column in [
            'screened', 'risk_assessed', 'high_risk', 'masip_referred', 'outcomes_assigned',
            'charged_summonsed', 'evidential_difficulties',
        ] %}
            coalesce(response_flags.{{ column }}, false) as {{ column }},
        {%- endfor %}
        coalesce(spo_flags.spo_applications, false) as spo_applications,
        coalesce(spo_flags.spo_granted, false) as spo_granted,
        coalesce(spo_flags.spo_decided, false) as spo_decided,
        coalesce(prosecution_flags.convictions, false) as convictions,
        coalesce(prosecution_flags.prosecutions_completed, false) as prosecutions_completed,
        coalesce(helpline_flags.helpline_contacts, false) as helpline_contacts,
        coalesce(helpline_flags.helpline_answered, false) as helpline_answered,
        coalesce(advocacy_flags.waiting_list_end, false) as waiting_list_end,
        coalesce(advocacy_flags.advocacy_caseload, false) as advocacy_caseload
    from areas
    cross join quarters
    {%- for flags in [
        'crime_flags', 'response_flags', 'spo_flags', 'prosecution_flags', 'helpline_flags',
        'advocacy_flags',
    ] %}
        left join {{ flags }}
            on
                areas.force_code = {{ flags }}.force_code
                and quarters.financial_year = {{ flags }}.financial_year
                and quarters.fy_quarter = {{ flags }}.fy_quarter
    {%- endfor %}
),

course_flags as (
    select
        force_code,
        financial_year,
        possible_unrecognised_marker = '[c]' as possible_unrecognised,
        courses_of_conduct_marker = '[c]' as courses_of_conduct
    from {{ ref('published_fct_courses_of_conduct_yearly') }}
),

training_flags as (
    -- The specialist course types of a force's (or the national) training return.
    select
        force_code,
        financial_year,
        bool_or(trained_marker = '[c]') as trained_specialist,
        bool_or(in_scope_marker = '[c]') as in_scope_specialist
    from {{ ref('published_fct_training_yearly') }}
    where is_specialist
    group by force_code, financial_year
),

advocacy_year_mismatch as (
    -- A year's national caseload is the all-services total at its last quarter with a return
    -- only when that is every force area's last quarter with a return; otherwise withhold it.
    select
        forces.financial_year,
        bool_or(forces.last_quarter != national.last_quarter) as any_mismatch
    from (
        select
            force_code,
            financial_year,
            max(fy_quarter) filter (where has_advocacy) as last_quarter
        from quarter_flags
        group by force_code, financial_year
    ) as forces
    inner join (
        select
            financial_year,
            max(fy_quarter) filter (where has_advocacy) as last_quarter
        from quarter_flags
        where force_code = {{ total }}
        group by financial_year
    ) as national
        on forces.financial_year = national.financial_year
    where forces.force_code != {{ total }}
    group by forces.financial_year
),

period_flags as (
    select
        force_code,
        'quarter' as period_type,
        financial_year || ' ' || fy_quarter as period,
        {%- for column in flows + stocks %}
            {{ column }},
        {%- endfor %}
        false as possible_unrecognised,
        false as courses_of_conduct,
        false as trained_specialist,
        false as in_scope_specialist
    from quarter_flags
    union all
    -- A year sums its quarters' flows; its caseloads are those of its last quarter with an
    -- advocacy return.
    select
        quarter_flags.force_code,
        'financial_year' as period_type,
        quarter_flags.financial_year as period,
        {%- for column in flows %}
            bool_or(quarter_flags.{{ column }}) as {{ column }},
        {%- endfor %}
        {%- for column in stocks %}
            coalesce(
                arg_max(quarter_flags.{{ column }}, quarter_flags.fy_quarter) filter (where quarter_flags.has_advocacy),
                false
            ) or (
                quarter_flags.force_code = {{ total }}
                and coalesce(any_value(mismatch.any_mismatch), false)
            ) as {{ column }},
        {%- endfor %}
        coalesce(any_value(course_flags.possible_unrecognised), false) as possible_unrecognised,
        coalesce(any_value(course_flags.courses_of_conduct), false) as courses_of_conduct,
        coalesce(any_value(training_flags.trained_specialist), false) as trained_specialist,
        coalesce(any_value(training_flags.in_scope_specialist), false) as in_scope_specialist
    from quarter_flags
    left join course_flags
        on
            quarter_flags.force_code = course_flags.force_code
            and quarter_flags.financial_year = course_flags.financial_year
    left join training_flags
        on
            quarter_flags.force_code = training_flags.force_code
            and quarter_flags.financial_year = training_flags.financial_year
    left join advocacy_year_mismatch as mismatch
        on quarter_flags.financial_year = mismatch.financial_year
    group by quarter_flags.force_code, quarter_flags.financial_year
),

year_status as (
    -- A yearly figure of a flow is a cell of its own (disclosure_rows__comparison_years),
    -- controlled with the counts: withheld only when that cell is suppressed.
    select
        years.metric_id,
        years.force_code,
        years.period,
        bool_or(cells.is_suppressed) filter (where years.role = 'numerator') as numerator_suppressed,
        bool_or(cells.is_suppressed) filter (where years.role = 'denominator') as denominator_suppressed
    from {{ ref('disclosure_rows__comparison_years') }} as years
    inner join {{ ref('disclosure_cells') }} as cells on years.cell_id = cells.cell_id
    group by years.metric_id, years.force_code, years.period
),

national_counts as (
    select
        metric_id,
        period_type,
        period,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from comparisons
    group by metric_id, period_type, period
),

flagged as (
    select
        comparisons.*,
        forces.force_name as area_label,
        case comparisons.metric_id
            {%- for metric_id, inputs in metric_inputs.items() %}
                when '{{ metric_id }}' then {{ 'false' if inputs[1] is none else 'true' }}
            {%- endfor %}
        end as denominator_is_count,
        coalesce(year_status.numerator_suppressed, case comparisons.metric_id
            {%- for metric_id, inputs in metric_inputs.items() %}
                when '{{ metric_id }}' then own.{{ inputs[0] }}
            {%- endfor %}
            else true
        end) as numerator_source_suppressed,
        coalesce(year_status.denominator_suppressed, case comparisons.metric_id
            {%- for metric_id, inputs in metric_inputs.items() %}
                when '{{ metric_id }}' then {{ 'false' if inputs[1] is none else 'own.' ~ inputs[1] }}
            {%- endfor %}
            else true
        end) as denominator_source_suppressed,
        case comparisons.metric_id
            {%- for metric_id, inputs in metric_inputs.items() %}
                when '{{ metric_id }}' then
                    national.{{ inputs[0] }}{% if inputs[1] is not none %} or national.{{ inputs[1] }}{% endif %}
            {%- endfor %}
            else true
        end as national_source_suppressed,
        national_counts.numerator as national_numerator,
        national_counts.denominator as national_denominator
    from comparisons
    left join {{ ref('dim_force') }} as forces on comparisons.force_code = forces.force_code
    left join period_flags as own
        on
            comparisons.force_code = own.force_code
            and comparisons.period_type = own.period_type
            and comparisons.period = own.period
    left join period_flags as national
        on
            national.force_code = {{ total }}
            and comparisons.period_type = national.period_type
            and comparisons.period = national.period
    left join year_status
        on
            comparisons.period_type = 'financial_year'
            and comparisons.metric_id = year_status.metric_id
            and comparisons.force_code = year_status.force_code
            and comparisons.period = year_status.period
    left join national_counts
        on
            comparisons.metric_id = national_counts.metric_id
            and comparisons.period_type = national_counts.period_type
            and comparisons.period = national_counts.period
),

withheld as (
    select
        *,
        coalesce(
            numerator_source_suppressed
            or denominator_source_suppressed
            or numerator between 1 and 4
            or (denominator_is_count and denominator between 1 and 4),
            true
        ) as is_withheld,
        coalesce(
            national_source_suppressed
            or national_numerator between 1 and 4
            or (denominator_is_count and national_denominator between 1 and 4),
            true
        ) as national_withheld
    from flagged
),

comparators as (
    select
        *,
        bool_or(is_withheld) over (partition by metric_id, period_type, period, region_code)
            as region_withheld,
        -- phi is computed over every force, withheld ones included: publish it only when no
        -- force of the metric and period is withheld (the audit cannot bound a quadratic).
        bool_or(is_withheld) over (partition by metric_id, period_type, period)
            as period_withheld
    from withheld
),

peers as (
    -- With a peer-group file, a force's peer value sums its peers.
    select
        pairs.force_code,
        comparators.metric_id,
        comparators.period_type,
        comparators.period,
        bool_or(comparators.is_withheld) as peers_withheld
    from {{ ref('int_comparisons__peer_groups') }} as pairs
    inner join comparators on pairs.peer_force_code = comparators.force_code
    group by pairs.force_code, comparators.metric_id, comparators.period_type, comparators.period
)

select
    comparators.metric_id,
    comparators.force_code,
    comparators.area_label,
    comparators.period_type,
    comparators.period,
    comparators.financial_year,
    comparators.fy_quarter,
    comparators.region_code,
    comparators.kind,
    comparators.multiplier,
    case when not comparators.is_withheld then comparators.numerator end as numerator,
    case when comparators.is_withheld then '[c]' end as numerator_marker,
    case when not comparators.is_withheld then comparators.denominator end as denominator,
    case when comparators.is_withheld then '[c]' end as denominator_marker,
    {%- for column in ['value', 'ci95_low', 'ci95_high', 'ci998_low', 'ci998_high'] %}
        case when not comparators.is_withheld then comparators.{{ column }} end as {{ column }},
    {%- endfor %}
    case
        when comparators.is_withheld then '[c]'
        when comparators.numerator < 10 then '[u]'
    end as value_marker,
    case when not comparators.national_withheld then comparators.national_value end as national_value,
    case when comparators.national_withheld then '[c]' end as national_value_marker,
    case when not comparators.region_withheld then comparators.region_value end as region_value,
    case when comparators.region_withheld then '[c]' end as region_value_marker,
    case
        when
            not (
                case
                    when comparators.peer_basis = 'peer_group_file'
                        then coalesce(peers.peers_withheld, true)
                    else comparators.region_withheld
                end
            )
            then comparators.peer_value
    end as peer_value,
    case
        when
            case
                when comparators.peer_basis = 'peer_group_file'
                    then coalesce(peers.peers_withheld, true)
                else comparators.region_withheld
            end
            then '[c]'
    end as peer_value_marker,
    comparators.peer_basis,
    case
        when not (comparators.is_withheld or comparators.national_withheld) then comparators.funnel_z
    end as funnel_z,
    case when not comparators.period_withheld then comparators.funnel_phi end as funnel_phi,
    case
        when not comparators.period_withheld then comparators.overdispersion_adjusted
    end as overdispersion_adjusted,
    case
        when comparators.is_withheld then 'insufficient_data' else comparators.funnel_class
    end as funnel_class,
    comparators.is_low_reliability,
    -- The method is published always (funnel_class cannot be read without it); its numeric
    -- parameters, computed over every force, follow phi's rule above.
    comparators.funnel_method,
    comparators.funnel_scale,
    comparators.funnel_winsor_fraction,
    comparators.funnel_units,
    case when not comparators.period_withheld then comparators.funnel_tau2 end as funnel_tau2,
    case
        when not comparators.period_withheld then comparators.funnel_dispersion_statistic
    end as funnel_dispersion_statistic,
    comparators.funnel_dispersion_critical_95,
    case when comparators.period_withheld then '[c]' end as funnel_parameters_marker,
    comparators.period_status,
    case when comparators.period_status != 'complete' then '[p]' end as period_status_marker,
    comparators.quarters_in_period,
    comparators.value_unit,
    comparators.population_mid_year,
    comparators.population_basis
from comparators
left join peers
    on
        comparators.force_code = peers.force_code
        and comparators.metric_id = peers.metric_id
        and comparators.period_type = peers.period_type
        and comparators.period = peers.period
