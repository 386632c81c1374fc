{#- Every area code a published table uses, once, with what it means (docs/WAREHOUSE.md,
    "Area codes"). A code never means two things: a service's total over the force areas it
    serves is not England and Wales, so it has its own code and kind. -#}
{%- set all_served_code = var('service_areas_total_code', 'X00000001') -%}
with forces as (
    select * from {{ ref('ref_forces') }}
),

regions as (
    select distinct region_code, region_name, country
    from forces
    where region_code is not null and region_code <> 'W92000004'
)

select
    'K04000001' as area_code,
    'England and Wales' as area_name,
    'country_group' as area_kind,
    cast(null as varchar) as parent_code,
    'The 43 territorial police force areas of England and Wales together.' as covers
union all
select 'E92000001', 'England', 'country', 'K04000001', 'The 38 force areas in England.'
union all
select
    'W92000004',
    'Wales',
    'country',
    'K04000001',
    'The 4 Welsh force areas; also the region_code of Welsh forces (Wales has no ONS regions).'
union all
select
    region_code,
    region_name,
    'region',
    'E92000001',
    'The force areas in this ONS region of England.'
from regions
union all
select
    force_code,
    force_name,
    case when is_territorial then 'police_force_area' else 'non_territorial_force' end,
    case when is_territorial then region_code end,
    case
        when is_territorial then 'One territorial police force area.'
        else 'A national force with no area of its own; in no area total.'
    end
from forces
union all
select
    '{{ all_served_code }}',
    'All force areas served',
    'service_areas_total',
    cast(null as varchar),
    'One advocacy service''s total over the force areas it serves (the row also names the '
    || 'service); not an England and Wales figure.'
