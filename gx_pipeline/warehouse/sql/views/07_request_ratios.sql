-- Shares of section 三 per report, from the totals of request_totals (总计 as printed, or the sum
-- of the applicant columns when 总计 is blank). A figure with a blank input is null, never
-- computed as if the blank were 0: a group (the eight withheld rows, …) has a figure only when
-- every row of the group in the report's format version has one.
create or replace view request_ratios as
with group_rows as (
    select template, row_group, count(distinct "row") as rows_in_group
    from contract_cells
    where section = 'requests' and row_group in ('withheld', 'unavailable', 'not_processed')
    group by all
),
figures as (
    select
        t.report_id,
        max(t.total) filter (where t."row" = 'new_received') as new_received,
        max(t.total) filter (where t."row" = 'results_total') as results_total,
        max(t.total) filter (where t."row" = 'granted') as granted,
        max(t.total) filter (where t."row" = 'partially_granted') as partially_granted,
        case when count(t.total) filter (where t.row_group = 'withheld')
                  = any_value(w.rows_in_group)
             then sum(t.total) filter (where t.row_group = 'withheld') end as withheld,
        case when count(t.total) filter (where t.row_group = 'unavailable')
                  = any_value(u.rows_in_group)
             then sum(t.total) filter (where t.row_group = 'unavailable') end as unavailable,
        case when count(t.total) filter (where t.row_group = 'not_processed')
                  = any_value(n.rows_in_group)
             then sum(t.total) filter (where t.row_group = 'not_processed') end as not_processed,
        list_sort(list(t."row") filter (
            where t.derived
              and (t."row" in ('new_received', 'results_total', 'granted', 'partially_granted')
                   or t.row_group in ('withheld', 'unavailable', 'not_processed'))
        )) as derived_rows
    from request_totals t
    left join group_rows w on w.template = t.template and w.row_group = 'withheld'
    left join group_rows u on u.template = t.template and u.row_group = 'unavailable'
    left join group_rows n on n.template = t.template and n.row_group = 'not_processed'
    group by t.report_id
)
select
    f.report_id,
    d.report_year,
    d.agency,
    d.province,
    d.generated,
    d.trust_status,
    d.trust_reasons,
    f.new_received,
    f.results_total,
    f.granted,
    f.partially_granted,
    f.withheld,
    f.unavailable,
    f.not_processed,
    (f.granted + f.partially_granted) / nullif(f.results_total, 0) as granted_share,
    f.granted / nullif(f.results_total, 0) as granted_in_full_share,
    f.withheld / nullif(f.results_total, 0) as withheld_share,
    f.unavailable / nullif(f.results_total, 0) as unavailable_share,
    f.not_processed / nullif(f.results_total, 0) as not_processed_share,
    coalesce(f.derived_rows, []) as derived_rows
from figures f
join dim_report d using (report_id);
comment on view request_ratios is 'Shares of the requests handled (results_total, 三（七）总计) per report, from request_totals: each figure is the 总计 cell, or the sum of its applicant columns when 总计 is blank (listed in derived_rows). A share is null when any of its inputs is blank (never computed with the blank as 0) or results_total is 0.';
comment on column request_ratios.report_id is 'The report.';
comment on column request_ratios.report_year is 'Report year.';
comment on column request_ratios.agency is 'Publishing agency.';
comment on column request_ratios.province is 'Province of the agency.';
comment on column request_ratios.generated is 'True for synthetic pages (dim_report.generated): leave them out of any analysis of real agencies.';
comment on column request_ratios.trust_status is 'clean | needs_review (dim_report.trust_status).';
comment on column request_ratios.trust_reasons is 'Why the report needs review, as codes (dim_report.trust_reasons); empty when clean.';
comment on column request_ratios.new_received is 'new_received total: requests received this year (本年新收); null = blank and not derivable.';
comment on column request_ratios.results_total is 'results_total total: requests handled (三（七）总计); the denominator; null = blank and not derivable.';
comment on column request_ratios.granted is 'granted total (予以公开); null = blank and not derivable.';
comment on column request_ratios.partially_granted is 'partially_granted total (部分公开); null = blank and not derivable.';
comment on column request_ratios.withheld is 'Sum of the eight withheld.* totals (不予公开); null when any of them is blank (and not derivable) or missing.';
comment on column request_ratios.unavailable is 'Sum of the unavailable.* totals (无法提供); null when any of them is blank (and not derivable) or missing.';
comment on column request_ratios.not_processed is 'Sum of the not_processed.* totals (不予处理); null when any of them is blank (and not derivable) or missing.';
comment on column request_ratios.granted_share is '(granted + partially_granted) / results_total: share granted in full or in part; null when any of the three is null or results_total is 0.';
comment on column request_ratios.granted_in_full_share is 'granted / results_total; null when either is null or results_total is 0.';
comment on column request_ratios.withheld_share is 'withheld / results_total; null when either is null or results_total is 0.';
comment on column request_ratios.unavailable_share is 'unavailable / results_total; null when either is null or results_total is 0.';
comment on column request_ratios.not_processed_share is 'not_processed / results_total; null when either is null or results_total is 0.';
comment on column request_ratios.derived_rows is 'Rows whose 总计 is blank and whose figure here is the sum of their applicant columns (request_totals.derived), e.g. [granted, partially_granted]; empty when every figure is as printed.';
