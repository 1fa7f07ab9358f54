-- Requests received and handled by outcome, per report year, over the reports whose every
-- figure is known: a report with one blank (and not derivable) outcome would otherwise add its
-- other outcomes and leave that one out, and the bars would no longer sum to the requests
-- handled. Totals come from request_totals (总计, or the sum of the applicant columns when 总计
-- is blank). An outcome is the sum of its rows when every row of it in the report's format
-- version is known; the 2021 `other` is its own row, or the sum of its three sub-rows. Real
-- agencies' reports only: a generated (synthetic) page's made-up figures summed with theirs
-- would be drawn as the year's requests; generated_reports counts those left out (every
-- figure known), and a year of generated reports only keeps its row (reports 0, no bar).
with outcome_rows as (
    select template, "row",
           case when row_group in ('withheld', 'unavailable', 'not_processed', 'other')
                then row_group else "row" end as outcome,
           "row" = 'other' as other_row
    from contract_cells
    where section = 'requests' and col = 'total'
      and "row" not in ('carried_over', 'carried_forward')
),
expected as (
    select template, outcome, count(*) filter (where not other_row) as rows_in_outcome
    from outcome_rows
    group by all
),
per_report as (
    select t.report_id, t.report_year, t.generated, t.trust_status, o.outcome,
           max(t.total) filter (where o.other_row) as other_row_total,
           case when count(t.total) filter (where not o.other_row) = any_value(e.rows_in_outcome)
                then sum(t.total) filter (where not o.other_row) end as rows_total,
           bool_or(t.derived) filter (where o.other_row) as other_row_derived,
           bool_or(t.derived) filter (where not o.other_row) as rows_derived
    from request_totals t
    join outcome_rows o on o.template = t.template and o."row" = t."row"
    join expected e on e.template = t.template and e.outcome = o.outcome
    group by all
),
reports as (
    select report_id, report_year, generated, trust_status,
           max(coalesce(other_row_total, rows_total)) filter (where outcome = 'new_received')
               as new_received,
           max(coalesce(other_row_total, rows_total)) filter (where outcome = 'results_total')
               as results_total,
           max(coalesce(other_row_total, rows_total)) filter (where outcome = 'granted')
               as granted,
           max(coalesce(other_row_total, rows_total)) filter (where outcome = 'partially_granted')
               as partially_granted,
           max(coalesce(other_row_total, rows_total)) filter (where outcome = 'withheld')
               as withheld,
           max(coalesce(other_row_total, rows_total)) filter (where outcome = 'unavailable')
               as unavailable,
           max(coalesce(other_row_total, rows_total)) filter (where outcome = 'not_processed')
               as not_processed,
           max(coalesce(other_row_total, rows_total)) filter (where outcome = 'other') as other,
           -- whether a figure used comes from applicant columns (request_totals.derived)
           bool_or(case when other_row_total is not null then other_row_derived
                        else rows_derived end) as derived
    from per_report
    group by all
),
complete as (
    select *,
           new_received is not null and results_total is not null and granted is not null
           and partially_granted is not null and withheld is not null and unavailable is not null
           and not_processed is not null and other is not null as known
    from reports
)
select
    report_year,
    count(*) filter (where not generated) as reports,
    count(*) filter (where used) as complete_reports,
    count(*) filter (where known and generated) as generated_reports,
    count(*) filter (where used and derived) as derived_reports,
    sum(new_received) filter (where used) as new_received,
    sum(granted) filter (where used) as granted,
    sum(partially_granted) filter (where used) as partially_granted,
    sum(withheld) filter (where used) as withheld,
    sum(unavailable) filter (where used) as unavailable,
    sum(not_processed) filter (where used) as not_processed,
    sum(other) filter (where used) as other,
    sum(results_total) filter (where used) as results_total,
    -- of the reports summed, those that need review (one contradicting its own sums draws
    -- bars that overshoot the requests handled): the chart's label says how many
    count(*) filter (where used and trust_status = 'needs_review') as needs_review_reports
from (select *, known and not generated as used from complete)
group by report_year
order by report_year
