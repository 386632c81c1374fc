-- Services' funding and capacity by funder, as in marts: pounds, funded posts and caseload
-- places, no count of people (DISCLOSURE.md, "Tables without counts").
{{ config(alias='service_funding_yearly') }}

select * from {{ ref('service_funding_yearly') }}
