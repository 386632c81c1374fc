{#- A controlled count is NULL exactly when its marker column says '[c]' (suppressed). -#}
{% test suppression_marker(model, column_name, marker) %}
select
    {{ column_name }},
    {{ marker }}
from {{ model }}
where ({{ column_name }} is null) != coalesce({{ marker }} = '[c]', false)
{% endtest %}
