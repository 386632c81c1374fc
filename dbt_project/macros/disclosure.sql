{#- Disclosure control for the published schema (STATISTICS.md, "Disclosure control").

    The published tables are modelled as cells and additive groups:
    - a cell is one published count (one count column of one row), identified by a cell_id
      '<table>|<measure>|<row key>'; a count that appears in two tables (the stalking crimes of
      a force-quarter are in fct_recorded_crime_quarterly, fct_stalking_response_quarterly and
      reconciliation_home_office) has one cell_id, so it is suppressed alike everywhere;
    - a group is a linear equation an outsider knows holds between published cells: a national
      total and the forces it sums, a row whose first count is the sum of others, the outcomes
      of a force-quarter-offence and its recorded crimes, a caseload carried from one month to
      the next. Each member row says whether the cell is the group's total.

    Primary suppression: counts of 1 to 4. Secondary suppression is chosen by least
    information lost with HiGHS in the disclosure_cells Python model
    (publish/disclosure/protect.py); the generic test disclosure_fixed_point checks that no
    group is left with exactly one suppressed cell, and publish/disclosure/audit.py checks the
    whole release. -#}

{#- sqlfluff lints these macro bodies with empty loops, which breaks its indentation check
    (LT02) on lines whose jinja renders nothing; the layout is checked by eye. -#}
-- noqa: disable=LT02

{#- The ONS code for England and Wales: force_code of the national total rows. -#}
{% macro disclosure_total_code() -%}
    'K04000001'
{%- endmacro %}


{#- The code of an advocacy service's total over the force areas it serves (reference.areas,
    area_kind service_areas_total): not England and Wales, so never K04000001. -#}
{% macro service_areas_total_code() -%}
    '{{ var("service_areas_total_code", "X00000001") }}'
{%- endmacro %}


{#- A row key: the key columns (or SQL literals) as text joined by '|', NULL as '~'. -#}
{% macro disclosure_key(columns, prefix='') -%}
    ({% for column in columns %}coalesce(cast({{ prefix }}{{ column }} as varchar), '~'){% if not loop.last %} || '|' || {% endif %}{% endfor %})
{%- endmacro %}


{#- The cell_id of one count: '<table>|<measure>|' followed by the row key expression. -#}
{% macro disclosure_cell_id(table_name, measure, row_key) -%}
    ('{{ table_name }}|{{ measure }}|' || {{ row_key }})
{%- endmacro %}


{#- A mart's rows plus national total rows (force_code K04000001, or total_code) summing the
    territorial forces per the other key columns; counts cast to BIGINT, a row_key and an area_label
    (the force name, the total label, or 'Force area not known' for a NULL force_code).
    carried: {column: aggregate expression} for the non-count columns of the total rows;
    total_by: the columns the totals are per (default: the keys other than force_code). -#}
{% macro disclosure_with_totals(
    relation, keys, sums, carried={}, total_label='England and Wales', total_by=none, total_code=none
) -%}
    {%- set code = total_code if total_code is not none else disclosure_total_code() -%}
    {%- set by = total_by if total_by is not none else keys | reject('equalto', 'force_code') | list -%}
    with force_rows as (
        select * from {{ relation }}
    ),

    total_rows as (
        select
            {% for column in by %}{{ column }}, {% endfor %}
            {{ code }} as force_code,
            {% for column, aggregate in carried.items() %}{{ aggregate }} as {{ column }}, {% endfor %}
            {% for column in sums %}sum({{ column }}) as {{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
        from force_rows
        where force_code in (select force_code from {{ ref('dim_force') }} where is_territorial)
        group by {{ by | join(', ') }}
    ),

    all_rows as (
        select * from force_rows
        union all by name
        select * from total_rows
    )

    select
        {{ disclosure_key(keys, 'all_rows.') }} as row_key,
        all_rows.* replace (
            {% for column in sums %}cast(all_rows.{{ column }} as bigint) as {{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
        ),
        case
            when all_rows.force_code = {{ code }} then '{{ total_label }}'
            else coalesce(forces.force_name, 'Force area not known')
        end as area_label
    from all_rows
    left join {{ ref('dim_force') }} as forces on all_rows.force_code = forces.force_code
{%- endmacro %}


{#- The published positions of one table's counts, one row per row and count column:
    table_name, row_key, force_code, group_key (the row key without the force), measure,
    cell_id and cell_value. cell_ids: {measure: SQL expression} for counts that are the same
    cell as another table's (default: the table's own cell_id); total_by: the columns the
    national totals are per (default: the keys other than force_code). -#}
{% macro disclosure_positions(relation, table_name, keys, measures, cell_ids={}, total_by=none) -%}
    {%- set group_keys = total_by if total_by is not none else keys | reject('equalto', 'force_code') | list -%}
    {%- for measure in measures %}
        select
            '{{ table_name }}' as table_name,
            row_key,
            force_code,
            {{ disclosure_key(group_keys) }} as group_key,
            '{{ measure }}' as measure,
            {{ cell_ids.get(measure, disclosure_cell_id(table_name, measure, 'row_key')) }} as cell_id,
            cast({{ measure }} as bigint) as cell_value
        from {{ relation }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
{%- endmacro %}


{#- One row per published row of a table: for each count, whether its cell is suppressed. -#}
{% macro disclosure_status(table_name, measures) -%}
    select
        positions.row_key,
        {%- for measure in measures %}
            bool_or(cells.is_suppressed) filter (where positions.measure = '{{ measure }}')
                as {{ measure }}__suppressed{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ ref('disclosure_positions') }} as positions
    inner join {{ ref('disclosure_cells') }} as cells on positions.cell_id = cells.cell_id
    where positions.table_name = '{{ table_name }}'
    group by positions.row_key
{%- endmacro %}


{#- A controlled count and its marker: NULL and '[c]' when suppressed (also when no status
    was found: fail closed), the count and NULL otherwise. -#}
{% macro disclosure_count(measure, rows='rows_', status='status') -%}
    case
        when coalesce({{ status }}.{{ measure }}__suppressed, true) then null
        else {{ rows }}.{{ measure }}
    end as {{ measure }},
    case when coalesce({{ status }}.{{ measure }}__suppressed, true) then '[c]' end
        as {{ measure }}_marker
{%- endmacro %}


{#- The comparison metrics of published.force_comparisons and the inputs they are built from
    (int_comparisons__metric_inputs): metric_id -> (numerator input, denominator input, or none
    for a population). A metric missing here is withheld (fail closed). flows: the inputs a
    year sums over its quarters (the others are stocks or yearly counts). -#}
{% macro comparison_metric_inputs() -%}
    {{ return({
        'stalking_rate': ('stalking_crimes', none),
        'stalking_harassment_rate': ('stalking_harassment_crimes', none),
        'stalking_share': ('stalking_crimes', 'stalking_harassment_crimes'),
        'screening_rate': ('screened', 'stalking_crimes'),
        'high_risk_share': ('high_risk', 'risk_assessed'),
        'charge_rate': ('charged_summonsed', 'outcomes_assigned'),
        'evidential_difficulties_share': ('evidential_difficulties', 'outcomes_assigned'),
        'spo_application_rate': ('spo_applications', 'stalking_crimes'),
        'spo_grant_rate': ('spo_granted', 'spo_decided'),
        'masip_referral_rate': ('masip_referred', 'stalking_crimes'),
        'conviction_rate': ('convictions', 'prosecutions_completed'),
        'helpline_contacts_rate': ('helpline_contacts', none),
        'helpline_answer_rate': ('helpline_answered', 'helpline_contacts'),
        'advocacy_waiting_share': ('waiting_list_end', 'advocacy_caseload'),
        'possible_unrecognised_share': ('possible_unrecognised', 'courses_of_conduct'),
        'training_coverage': ('trained_specialist', 'in_scope_specialist'),
    }) }}
{%- endmacro %}


{% macro comparison_flows() -%}
    {{ return([
        'stalking_crimes', 'stalking_harassment_crimes', 'screened', 'risk_assessed', 'high_risk',
        'masip_referred', 'outcomes_assigned', 'charged_summonsed', 'evidential_difficulties',
        'spo_applications', 'spo_granted', 'spo_decided', 'convictions', 'prosecutions_completed',
        'helpline_contacts', 'helpline_answered',
    ]) }}
{%- endmacro %}
