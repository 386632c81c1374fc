-- Peer groups: for every territorial force its 7 most similar forces (STATISTICS_METHODS.md,
-- "Peer groups"). The Home Office "most similar groups" are not public, so by default the
-- peers are the nearest neighbours on public characteristics held in the seeds, each
-- standardised across the 43 forces and weighted equally (Euclidean distance):
--   log resident population (mid-2024), average household size (mid-2023 population over
--   2021 households), population growth mid-2023 to mid-2024, and the urban share (the share
--   of the force's local authority districts that are metropolitan districts or London
--   boroughs, E08/E09). Ties go to the lower force code, so the groups are reproducible.
-- A supplied peer-group list replaces the computed peers of every force it names: the seed
-- ref_peer_groups, or the CSV named by the dbt var peer_groups_file (env
-- STALKING_PEER_GROUPS_FILE), which wins over the seed.
{%- set peer_count = 7 %}
{%- set peer_file = var('peer_groups_file', env_var('STALKING_PEER_GROUPS_FILE', '')) %}
{%- set features = ['log_population', 'household_size', 'population_growth', 'urban_share'] %}

with characteristics as (
    select
        forces.force_code,
        ln(mid2024.population_mid2024) as log_population,
        forces.population_mid2023 / forces.households_mid2021 as household_size,
        mid2024.population_mid2024 / forces.population_mid2023 - 1 as population_growth,
        coalesce(districts.urban_share, 0) as urban_share
    from {{ ref('ref_forces') }} as forces
    inner join {{ ref('ref_population_mid2024') }} as mid2024
        on forces.force_code = mid2024.force_code
    left join (
        select
            force_code,
            avg(case when left(lad_code, 3) in ('E08', 'E09') then 1.0 else 0.0 end)
                as urban_share
        from (
            select distinct
                force_code,
                lad_code
            from {{ ref('ref_lad_to_force') }}
        )
        group by force_code
    ) as districts on forces.force_code = districts.force_code
    where forces.is_territorial
),

standardised as (
    select
        {%- for feature in features %}
            ({{ feature }} - avg({{ feature }}) over ())
            / nullif(stddev_pop({{ feature }}) over (), 0) as {{ feature }},
        {%- endfor %}
        force_code
    from characteristics
),

distances as (
    select
        force.force_code,
        peer.force_code as peer_force_code,
        sqrt(
            {%- for feature in features %}
                power(coalesce(force.{{ feature }} - peer.{{ feature }}, 0), 2){{ ' +' if not loop.last }}
            {%- endfor %}
        ) as distance
    from standardised as force
    inner join standardised as peer on force.force_code != peer.force_code
),

nearest as (
    select
        force_code,
        peer_force_code,
        distance,
        row_number() over (partition by force_code order by distance, peer_force_code)
            as peer_rank
    from distances
),

supplied as (
    {%- if peer_file %}
        select distinct
            trim(force_code) as force_code,
            trim(peer_force_code) as peer_force_code
        from read_csv('{{ peer_file }}', header = true, all_varchar = true)
    {%- else %}
        select distinct
            trim(force_code) as force_code,
            trim(peer_force_code) as peer_force_code
        from {{ ref('ref_peer_groups') }}
    {%- endif %}
),

supplied_peers as (
    select
        force_code,
        peer_force_code,
        cast(null as double) as distance,
        row_number() over (partition by force_code order by peer_force_code) as peer_rank,
        'peer_group_file' as peer_basis
    from supplied
    where force_code != peer_force_code
)

select * from supplied_peers
union all
select
    force_code,
    peer_force_code,
    distance,
    peer_rank,
    'nearest_neighbours' as peer_basis
from nearest
where
    peer_rank <= {{ peer_count }}
    and force_code not in (select supplied_peers.force_code from supplied_peers)
