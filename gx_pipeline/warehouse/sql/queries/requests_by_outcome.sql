-- Requests received and handled, per report year and outcome (column `total`, every report).
-- `other` of a 2021-template report is the sum of its three sub-rows: count the sub-rows only.
with cells as (
    select report_id, report_year, row, value
    from fact_requests
    where col = 'total' and value is not null
),
leaves as (
    select * from cells c
    where not (c.row = 'other' and exists (
        select 1 from cells s where s.report_id = c.report_id and s.row like 'other.%'))
)
select
    report_year,
    case
        when row in ('new_received', 'carried_over', 'granted', 'partially_granted',
                     'results_total', 'carried_forward') then row
        else split_part(row, '.', 1)
    end as outcome,
    sum(value) as requests,
    count(distinct report_id) as reports
from leaves
group by all
order by report_year, outcome
