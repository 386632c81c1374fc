-- ONS recorded crime by area (national, country, region, force) and offence group, from the
-- PFA data tables workbook and the rolling-year CSV, exactly as published (the national
-- total includes British Transport Police, so it is not the sum of the forces).
with tables_ as (
    {{ rows_of_version(ref('stg_published__ons_pfa_tables'), 'ons_pfa_tables', ['period_end']) }}
),

rolling as (
    {{ rows_of_version(ref('stg_published__ons_pfa_rolling'), 'ons_pfa_rolling', ['period_end']) }}
)

select
    publication,
    area_code,
    area_name,
    area_type,
    period_end,
    offence_group,
    offences,
    offences_marker,
    population,
    rate_per_1000,
    rate_marker
from tables_
union all by name
select
    publication,
    area_code,
    area_name,
    area_type,
    period_end,
    offence_group,
    offences,
    null as offences_marker,
    null as population,
    null as rate_per_1000,
    null as rate_marker
from rolling
