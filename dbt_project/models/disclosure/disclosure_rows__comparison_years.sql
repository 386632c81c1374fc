-- The yearly comparison figures of marts.force_comparisons that sum quarterly flows (one row
-- per metric, territorial force, financial year and role: numerator, or a count
-- denominator), as cells of their own: computed from exact counts, then controlled with the
-- other cells (suppressed only when a year figure is small or would give a cell away), not
-- withheld because a quarter is.

{%- set metric_inputs = comparison_metric_inputs() %}
{%- set flows = comparison_flows() %}

with years as (
    select
        comparisons.metric_id,
        comparisons.force_code,
        comparisons.period,
        comparisons.financial_year,
        comparisons.numerator,
        comparisons.denominator
    from {{ ref('force_comparisons') }} as comparisons
    inner join {{ ref('dim_force') }} as forces
        on comparisons.force_code = forces.force_code and forces.is_territorial
    where comparisons.period_type = 'financial_year'
),

roles as (
    {%- set parts = [] %}
    {%- for metric_id, inputs in metric_inputs.items() %}
        {%- if inputs[0] in flows %}
            {%- do parts.append("select '" ~ metric_id ~ "' as metric_id, 'numerator' as role, '" ~ inputs[0] ~ "' as input") %}
        {%- endif %}
        {%- if inputs[1] is not none and inputs[1] in flows %}
            {%- do parts.append("select '" ~ metric_id ~ "' as metric_id, 'denominator' as role, '" ~ inputs[1] ~ "' as input") %}
        {%- endif %}
    {%- endfor %}
    {{ parts | join('\n    union all\n    ') }}
)

select
    {{ disclosure_key(['years.metric_id', 'years.force_code', "'financial_year'", 'years.period']) }}
        as row_key,
    years.metric_id,
    years.force_code,
    years.period,
    years.financial_year,
    roles.role,
    roles.input,
    'force_comparisons|' || roles.role || '|'
    || {{ disclosure_key(['years.metric_id', 'years.force_code', "'financial_year'", 'years.period']) }}
        as cell_id,
    cast(case roles.role when 'numerator' then years.numerator else years.denominator end as bigint)
        as cell_value
from years
inner join roles on years.metric_id = roles.metric_id
