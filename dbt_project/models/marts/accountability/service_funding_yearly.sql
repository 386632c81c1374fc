-- Specialist stalking services' funding and capacity by funder: one row per service, force
-- area served, financial year and funding source (SOURCES.md §11). Pounds, posts and places,
-- never counts of people.
select
    funding.service_name,
    funding.force_code,
    funding.financial_year,
    funding.funding_source,
    sources.funding_source_label,
    cast(funding.funding_gbp as decimal(14, 2)) as funding_gbp,
    cast(funding.advocate_fte as decimal(10, 2)) as advocate_fte,
    cast(funding.caseload_capacity as bigint) as caseload_capacity
from {{ ref('int_service_funding__current') }} as funding
inner join {{ ref('ref_funding_sources') }} as sources
    on funding.funding_source = sources.funding_source
