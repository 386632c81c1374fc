-- One row per calendar month, April 2010 to March 2040: the month's financial quarter and year
-- (April-March years, April-June is Q1), as every table's period keys use them.
with months as (
    select cast(month_start as date) as month_start
    from generate_series(date '2010-04-01', date '2040-03-01', interval 1 month) as series (month_start)
)

select
    strftime(month_start, '%Y-%m') as month,
    month_start,
    cast(last_day(month_start) as date) as month_end,
    {{ financial_year('month_start') }} as financial_year,
    {{ fy_quarter('month_start') }} as fy_quarter,
    {{ financial_year('month_start') }} || ' ' || {{ fy_quarter('month_start') }} as quarter_label,
    ((month(month_start) + 8) % 12) + 1 as month_of_financial_year
from months
