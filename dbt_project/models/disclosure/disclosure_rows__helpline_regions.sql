-- Helpline contacts by month, region and channel ('all' for every channel): the contacts of
-- the region's territorial force areas plus those whose force area is not known but whose
-- region is; the rows published.helpline_regional_monthly shows, before suppression
-- (disclosure schema).

with by_channel as (
    select
        helpline.month,
        helpline.region_code,
        helpline.channel,
        sum(helpline.contacts) as contacts,
        sum(helpline.answered) as answered,
        sum(helpline.unanswered) as unanswered
    from {{ ref('fct_helpline_monthly') }} as helpline
    where
        helpline.region_code is not null
        and (
            helpline.force_code is null
            or helpline.force_code in (
                select forces.force_code from {{ ref('dim_force') }} as forces
                where forces.is_territorial
            )
        )
    group by helpline.month, helpline.region_code, helpline.channel
),

all_channels as (
    select
        month,
        region_code,
        'all' as channel,
        sum(contacts) as contacts,
        sum(answered) as answered,
        sum(unanswered) as unanswered
    from by_channel
    group by month, region_code
),

regions as (
    select distinct
        region_code,
        region_name
    from {{ ref('dim_force') }}
    where region_code is not null
),

rows_ as (
    select * from by_channel
    union all
    select * from all_channels
)

select
    {{ disclosure_key(['rows_.month', 'rows_.region_code', 'rows_.channel']) }} as row_key,
    rows_.month,
    rows_.region_code,
    rows_.channel,
    cast(null as varchar) as force_code,
    cast(rows_.contacts as bigint) as contacts,
    cast(rows_.answered as bigint) as answered,
    cast(rows_.unanswered as bigint) as unanswered,
    coalesce(regions.region_name, rows_.region_code) as area_label
from rows_
left join regions on rows_.region_code = regions.region_code
