-- Helpline contacts by month, the victim's force area (null when unknown) and channel.
select
    month,
    force_code,
    channel,
    region_code,
    count(*) as contacts,
    count(*) filter (where is_answered) as answered,
    count(*) filter (where not is_answered) as unanswered
from {{ ref('int_helpline_contacts__current') }}
group by month, force_code, channel, region_code
