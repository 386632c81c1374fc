{#- Disclosure control: a published count is never 1 to 4 (those are suppressed: NULL). -#}
{% test no_small_counts(model, column_name) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} between 1 and 4
{% endtest %}
