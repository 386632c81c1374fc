-- Helpline contacts in usable submissions, with month and region resolved.
with contacts as (
    {{ usable_submission_rows(source('raw', 'helpline_contacts')) }}
),

forces as (
    select * from {{ ref('ref_forces') }}
)

select
    contacts.submission_id,
    contacts.ingest_seq,
    contacts.source_row_number,
    contacts.contact_id as contact_key,
    contacts.contact_datetime,
    strftime(contacts.contact_datetime, '%Y-%m') as month,
    contacts.channel,
    contacts.answered = 'Y' as is_answered,
    contacts.caller_type,
    contacts.force_code,
    coalesce(forces.region_code, contacts.region) as region_code,
    contacts.victim_sex,
    contacts.victim_age_band,
    contacts.perpetrator_relationship,
    contacts.reported_to_police,
    contacts.referred_to
from contacts
left join forces on contacts.force_code = forces.force_code
