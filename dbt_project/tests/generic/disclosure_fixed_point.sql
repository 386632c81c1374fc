{#- Secondary suppression reached its fixed point: no additive group has exactly one
    suppressed cell (which subtraction from the group's other published cells would recover).
    model: the cells (cell_id, is_suppressed); groups: the group membership (group_id,
    cell_id). Fails with the groups left with one suppressed cell: raise the passes. -#}
{% test disclosure_fixed_point(model, groups) %}
select
    groups_.group_id,
    count(*) filter (where cells_.is_suppressed) as suppressed_cells
from {{ groups }} as groups_
inner join {{ model }} as cells_ on groups_.cell_id = cells_.cell_id
group by groups_.group_id
having count(*) filter (where cells_.is_suppressed) = 1
{% endtest %}
