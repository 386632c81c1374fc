-- Each linkable crime's victim-suspect pair, from the linkage step (linkage/run.py).
select
    crime_key,
    cast(pair_id as varchar) as pair_id
from {{ source('linkage', 'crime_pairs') }}
