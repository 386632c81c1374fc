-- Helpline contacts in force after resubmissions (latest submission per month).
{{ rows_of_version(ref('stg_helpline_contacts__contacts'), 'helpline_contacts', ['month']) }}
