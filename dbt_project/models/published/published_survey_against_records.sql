-- Recorded stalking crimes per 100 survey-estimated victims, as in marts: built from two
-- published statistics (the survey's estimate, the Home Office's recorded crime counts), so
-- no disclosure control applies (DISCLOSURE.md, "Tables without counts").
{{ config(alias='survey_against_records') }}

select * replace (cast(recorded_crimes as bigint) as recorded_crimes)
from {{ ref('survey_against_records') }}
