{#- Resubmission: for each period of a source, the latest submission is in force (rank 1);
    the one before it (rank 2) is what revised figures are compared with. -#}

{% macro period_key(period_columns, prefix='') -%}
    concat_ws('|', {% for column in period_columns %}cast({{ prefix }}{{ column }} as varchar){% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{% macro submission_periods(relation, source_name, period_columns) -%}
    select
        '{{ source_name }}' as source,
        {{ period_key(period_columns) }} as period_key,
        submission_id,
        ingest_seq,
        count(*) as period_rows,
        row_number() over (
            partition by {{ period_key(period_columns) }}
            order by ingest_seq desc, submission_id asc
        ) as submission_rank
    from {{ relation }}
    group by {{ period_key(period_columns) }}, submission_id, ingest_seq
{%- endmacro %}

{% macro rows_of_version(relation, source_name, period_columns, submission_rank=1) -%}
    select rows_.*
    from {{ relation }} as rows_
    inner join {{ ref('int_ingest__submission_periods') }} as periods_
        on
            periods_.source = '{{ source_name }}'
            and periods_.period_key = {{ period_key(period_columns, 'rows_.') }}
            and periods_.submission_id = rows_.submission_id
    where periods_.submission_rank = {{ submission_rank }}
{%- endmacro %}

{% macro resubmitted_periods(source_name) -%}
    select period_key
    from {{ ref('int_ingest__submission_periods') }}
    where source = '{{ source_name }}' and submission_rank = 2
{%- endmacro %}

{% macro submission_files(source_name) -%}
    {#- The raw Parquet files a staging model should read: on a full build every usable
        submission of the source; on an incremental run only those not yet loaded. Always
        the source's empty _schema file too, so the list is never empty. Listing the files
        (rather than a glob) means an incremental run reads only what is new. -#}
    {#- Only while models run: `dbt parse`, `compile` and `docs generate` on an empty data
        dir have no ledger to ask, so they see the schema file alone. -#}
    {%- set ledger = ref('stg_ingest__ledger') -%}
    {%- set folder = var('data_dir') ~ '/raw/' ~ source_name -%}
    {%- set files = [folder ~ '/_schema/part.parquet'] -%}
    {%- if execute and flags.WHICH in ('run', 'build') and load_relation(ledger) is not none -%}
        {%- set query -%}
            select file_sha256 from {{ ledger }}
            where source = '{{ source_name }}' and is_usable
            {%- if is_incremental() %}
                and file_sha256 not in (select distinct submission_id from {{ this }})
            {%- endif %}
            order by file_sha256
        {%- endset -%}
        {%- for sha in run_query(query).columns[0].values() -%}
            {%- do files.append(folder ~ '/' ~ sha ~ '/part.parquet') -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(files) }}
{%- endmacro %}
