{#- The suppressed-sum rule of publish/shorthand.py (its one definition; tests compare the two),
    in SQL, for tables built from published rows: a total or figure built from a withheld
    ('[c]') part is withheld, one built from a part that is not available is not available
    ('[x]'). column: the published figure; marker: its marker column. -#}

{% macro shorthand_sum(column, marker) -%}
    case
        when bool_or(coalesce({{ marker }}, '') like '%[c]%') or bool_or({{ column }} is null) then null
        else sum({{ column }})
    end
{%- endmacro %}

{% macro shorthand_sum_marker(column, marker) -%}
    case
        when bool_or(coalesce({{ marker }}, '') like '%[c]%') then '[c]'
        when bool_or({{ column }} is null) or count(*) = 0 then '[x]'
    end
{%- endmacro %}

{#- The marker of a figure derived from one published figure (value, marker): [c] stays
    [c]; a missing part ([x], or null with no marker) makes it [x]. -#}
{% macro shorthand_derived_marker(column, marker) -%}
    case
        when coalesce({{ marker }}, '') like '%[c]%' then '[c]'
        when {{ column }} is null then '[x]'
    end
{%- endmacro %}
