-- Every published cell with its suppression: primary (a count of 1 to 4) or secondary (so
-- that no additive group in disclosure_groups is left with exactly one suppressed cell),
-- and the pass that suppressed it (0 primary). Working table of the disclosure schema.

with cells as (
    select distinct
        cell_id,
        cell_value
    from {{ ref('disclosure_positions') }}
),

cell_groups as (
    select
        group_id,
        cell_id,
        is_total
    from {{ ref('disclosure_groups') }}
),

{{ disclosure_suppress('cells', 'cell_groups', passes=(var('disclosure_passes', 40) | int) or 40) }}

select
    cell_id,
    cell_value,
    is_primary,
    is_suppressed,
    suppression_pass
from disclosure_suppressed
