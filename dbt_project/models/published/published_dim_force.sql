-- Police force areas (public reference facts), as marts.dim_force.
{{ config(alias='dim_force') }}

select * from {{ ref('dim_force') }}
