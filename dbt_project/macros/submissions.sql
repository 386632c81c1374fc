{#- Resubmission: for each period of a source, the submission in force (rank 1) is the one
    with the latest extraction date, and on the same extraction date the later arrival
    (ingest/submissions.py, the tie rule); rank 2 is what revised figures are compared with.
    Each submission's periods are its scope as ingest recorded it in the ledger, so a nil
    return or a smaller resend zeroes the periods it declares. -#}

{% macro period_key(period_columns, prefix='') -%}
    concat_ws('|', {% for column in period_columns %}cast({{ prefix }}{{ column }} as varchar){% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{% macro rows_periods(relation, source_name, period_columns) -%}
    {#- Periods named by a submission's rows: for ledger records written before ingest kept
        each submission's scope (their `periods` is null). -#}
    select
        '{{ source_name }}' as source,
        {{ period_key(period_columns, 'rows_.') }} as period_key,
        rows_.submission_id,
        count(*) as period_rows
    from {{ relation }} as rows_
    inner join {{ ref('stg_ingest__ledger') }} as ledger_
        on rows_.submission_id = ledger_.record_id
    where ledger_.periods is null
    group by all
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
            select record_id from {{ ledger }}
            where source = '{{ source_name }}' and is_usable
            {%- if is_incremental() %}
                and record_id not in (select distinct submission_id from {{ this }})
            {%- endif %}
            order by record_id
        {%- endset -%}
        {%- for sha in run_query(query).columns[0].values() -%}
            {%- do files.append(folder ~ '/' ~ sha ~ '/part.parquet') -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(files) }}
{%- endmacro %}

{% macro usable_submission_rows(raw_rows) -%}
    {#- The rows of a raw source (a relation, or a table function over its files) that belong
        to a usable submission (docs/SOURCES.md, submissions): every raw column, with the
        submission id, its ingest sequence and the file's row number under their staging
        names. One definition for every staging model of a submitted source. -#}
    select
        raw_rows.* exclude (_submission_id, _row_number),
        raw_rows._submission_id as submission_id,
        ledger.ingest_seq,
        raw_rows._row_number as source_row_number
    from {{ raw_rows }} as raw_rows
    inner join {{ ref('stg_ingest__ledger') }} as ledger
        on raw_rows._submission_id = ledger.record_id
    where ledger.is_usable
{%- endmacro %}
