-- Peer groups: force_code -> peer_force_code from the file named by the dbt var
-- peer_groups_file (env STALKING_PEER_GROUPS_FILE). The Home Office "most similar groups" are
-- not public, so without a file there are no pairs and comparisons use the ONS region.
{%- set peer_file = var('peer_groups_file', env_var('STALKING_PEER_GROUPS_FILE', '')) %}
{% if peer_file %}
    select distinct
        trim(force_code) as force_code,
        trim(peer_force_code) as peer_force_code
    from read_csv('{{ peer_file }}', header = true, all_varchar = true)
    where trim(force_code) != trim(peer_force_code)
{% else %}
    select
        cast(null as varchar) as force_code,
        cast(null as varchar) as peer_force_code
    where false
{% endif %}
