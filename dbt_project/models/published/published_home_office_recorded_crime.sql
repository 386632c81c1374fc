-- Home Office police recorded crime open data, as published (already public: no further
-- control), counts as BIGINT.
{{ config(alias='home_office_recorded_crime') }}

select * replace (cast(offences as bigint) as offences)
from {{ ref('home_office_recorded_crime') }}
