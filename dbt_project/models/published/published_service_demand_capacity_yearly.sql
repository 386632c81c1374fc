-- Demand against capacity and the cost of clearing the waiting lists, as in marts: its demand
-- figures are the published advocacy table's, with their markers (a withheld figure stays
-- withheld, and so does every figure built from it), its capacity is pounds and posts.
{{ config(alias='service_demand_capacity_yearly') }}

select * from {{ ref('service_demand_capacity_yearly') }}
