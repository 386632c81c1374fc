{#- Every area code a published table uses, once, with what it means (docs/WAREHOUSE.md,
    "Periods and area codes"). A code never means two things: a service's total over the force
    areas it serves is not England and Wales, so it has its own code and kind. -#}
with forces as (
    select * from {{ ref('ref_forces') }}
),

fixed_areas as (
    select
        fixed.area_code,
        fixed.area_name,
        fixed.area_kind,
        fixed.parent_code,
        fixed.covers
    from (
        values
        (
            'K04000001',
            'England and Wales',
            'country_group',
            null,
            'The 43 territorial police force areas of England and Wales together.'
        ),
        ('E92000001', 'England', 'country', 'K04000001', 'The 38 force areas in England.'),
        (
            'W92000004',
            'Wales',
            'country',
            'K04000001',
            'The 4 Welsh force areas; also the region_code of Welsh forces (Wales has no ONS regions).'
        ),
        (
            {{ service_areas_total_code() }},
            'All force areas served',
            'service_areas_total',
            null,
            'One advocacy service''s total over the force areas it serves (the row also names the service); not an England and Wales figure.'
        )
    ) as fixed (area_code, area_name, area_kind, parent_code, covers)
),

regions as (
    select distinct
        region_code as area_code,
        region_name as area_name,
        'region' as area_kind,
        'E92000001' as parent_code,
        'The force areas in this ONS region of England.' as covers
    from forces
    where region_code is not null and region_code != 'W92000004'
),

force_areas as (
    select
        force_code as area_code,
        force_name as area_name,
        case when is_territorial then 'police_force_area' else 'non_territorial_force' end as area_kind,
        case when is_territorial then region_code end as parent_code,
        case
            when is_territorial then 'One territorial police force area.'
            else 'A national force with no area of its own; in no area total.'
        end as covers
    from forces
)

select * from fixed_areas
union all
select * from regions
union all
select * from force_areas
