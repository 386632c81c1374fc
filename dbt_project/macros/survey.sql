{#- Police-recorded stalking crimes per 100 survey-estimated victims (STATISTICS_METHODS.md,
    "Survey against records"). The survey's estimate of victims is per cent x population base,
    its 95% interval the interval's per cents x the base; the recorded count is taken as exact,
    so the ratio's interval is the recorded count over the interval's ends, reversed. An
    indication across two different measures (people surveyed, crimes recorded), not a rate. -#}

{% macro survey_against_records(estimates, recorded) -%}
    select
        {{ estimates }}.survey,
        {{ estimates }}.period_end,
        {{ estimates }}.estimate_pct,
        {{ estimates }}.lower_pct,
        {{ estimates }}.upper_pct,
        {{ estimates }}.population_base,
        {{ estimates }}.estimate_pct / 100 * {{ estimates }}.population_base as estimated_victims,
        {{ estimates }}.lower_pct / 100 * {{ estimates }}.population_base as estimated_victims_low,
        {{ estimates }}.upper_pct / 100 * {{ estimates }}.population_base as estimated_victims_high,
        {{ recorded }}.first_quarter,
        {{ recorded }}.last_quarter,
        {{ recorded }}.recorded_crimes,
        100.0 * {{ recorded }}.recorded_crimes
        / nullif({{ estimates }}.estimate_pct / 100 * {{ estimates }}.population_base, 0)
            as recorded_per_100_victims,
        100.0 * {{ recorded }}.recorded_crimes
        / nullif({{ estimates }}.upper_pct / 100 * {{ estimates }}.population_base, 0)
            as ci95_low,
        100.0 * {{ recorded }}.recorded_crimes
        / nullif({{ estimates }}.lower_pct / 100 * {{ estimates }}.population_base, 0)
            as ci95_high,
        'An indication across different measures, not a rate: police-recorded stalking '
        || 'crimes (crimes, as recorded) against survey-estimated victims (people aged 16 and '
        || 'over, with the survey''s 95% interval).' as label
{%- endmacro %}

{% macro recorded_over_twelve_months(estimates, national) -%}
    {#- Per estimate, the stalking crimes recorded in the four financial quarters of its 12
        months (`national`: financial_year, fy_quarter, crimes). NULL unless the 12 months end
        on a quarter's last month and all four quarters have a figure. -#}
    select
        estimates_.period_end,
        min(quarters_.financial_year || ' ' || quarters_.fy_quarter) as first_quarter,
        max(quarters_.financial_year || ' ' || quarters_.fy_quarter) as last_quarter,
        case
            when count(national_.crimes) = 4 and max(quarters_.last_month) = estimates_.period_end
                then sum(national_.crimes)
        end as recorded_crimes
    from {{ estimates }} as estimates_
    inner join {{ ref('reference_calendar_quarters') }} as quarters_
        on
            quarters_.last_month <= estimates_.period_end
            and quarters_.last_month
            > strftime(cast(estimates_.period_end || '-01' as date) - interval 12 month, '%Y-%m')
    left join {{ national }} as national_
        on
            quarters_.financial_year = national_.financial_year
            and quarters_.fy_quarter = national_.fy_quarter
    group by estimates_.period_end
{%- endmacro %}
