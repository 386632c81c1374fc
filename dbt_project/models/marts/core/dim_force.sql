-- Police force areas: the 43 territorial forces and British Transport Police.
select
    force_code,
    force_name,
    region_code,
    region_name,
    country,
    cps_area,
    population_mid2023 as population,
    households_mid2021 as households,
    is_territorial
from {{ ref('ref_forces') }}
