-- ONS recorded crime by area and offence group, as published (already public: no further
-- control).
{{ config(alias='ons_pfa_recorded_crime') }}

select * replace (cast(offences as bigint) as offences)
from {{ ref('ons_pfa_recorded_crime') }}
