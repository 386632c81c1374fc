-- Helpline contacts by financial year, force area (NULL when not known) and channel, with
-- national totals over the territorial forces: summed from exact monthly counts, then
-- disclosure controlled. One national submitter: all_areas_submitted does not apply (NULL).
{{ config(alias='fct_helpline_yearly') }}

{{ published_yearly(
    'fct_helpline_yearly', 'disclosure_rows__helpline_yearly',
    keys=['force_code', 'channel', 'region_code'], counts=['contacts', 'answered', 'unanswered'],
) }}
