-- Ratios of section 三 per report, from the total (总计) column.
create or replace view request_ratios as
with totals as (
    select
        f.report_id,
        f.report_year,
        max(f.value) filter (where f."row" = 'new_received') as new_received,
        max(f.value) filter (where f."row" = 'results_total') as results_total,
        max(f.value) filter (where f."row" = 'granted') as granted,
        max(f.value) filter (where f."row" = 'partially_granted') as partially_granted,
        sum(f.value) filter (where c.row_group = 'withheld') as withheld,
        sum(f.value) filter (where c.row_group = 'unavailable') as unavailable,
        sum(f.value) filter (where c.row_group = 'not_processed') as not_processed,
        count(*) filter (where f."row" in ('granted', 'partially_granted') and f.value is null)
            as blank_granted_cells
    from fact_requests f
    join dim_report d using (report_id)
    left join contract_cells c
      on c.template = d.template and c.section = f.section and c."row" = f."row" and c.col = f.col
    where f.col = 'total'
    group by f.report_id, f.report_year
)
select
    t.report_id,
    t.report_year,
    d.agency,
    d.province,
    t.new_received,
    t.results_total,
    t.granted,
    t.partially_granted,
    (coalesce(t.granted, 0) + coalesce(t.partially_granted, 0)) / nullif(t.results_total, 0)
        as granted_share,
    coalesce(t.granted, 0) / nullif(t.results_total, 0) as granted_in_full_share,
    coalesce(t.withheld, 0) / nullif(t.results_total, 0) as withheld_share,
    coalesce(t.unavailable, 0) / nullif(t.results_total, 0) as unavailable_share,
    coalesce(t.not_processed, 0) / nullif(t.results_total, 0) as not_processed_share,
    t.blank_granted_cells
from totals t
join dim_report d using (report_id);
comment on view request_ratios is 'Shares of the requests handled (results_total, 三（七）总计, total column) per report. Blank handling: a blank numerator cell counts as 0 (as in the tally identities; blank_granted_cells says how many of granted/partially_granted were blank); a blank or zero results_total makes every share null.';
comment on column request_ratios.report_id is 'The report.';
comment on column request_ratios.report_year is 'Report year.';
comment on column request_ratios.agency is 'Publishing agency.';
comment on column request_ratios.province is 'Province of the agency.';
comment on column request_ratios.new_received is 'new_received[total]: requests received this year (本年新收); null = blank.';
comment on column request_ratios.results_total is 'results_total[total]: requests handled (三（七）总计); the denominator; null = blank.';
comment on column request_ratios.granted is 'granted[total] (予以公开); null = blank.';
comment on column request_ratios.partially_granted is 'partially_granted[total] (部分公开); null = blank.';
comment on column request_ratios.granted_share is '(granted + partially_granted) / results_total: share granted in full or in part; blanks in the numerator as 0; null when results_total is blank or 0.';
comment on column request_ratios.granted_in_full_share is 'granted / results_total; blank granted as 0; null when results_total is blank or 0.';
comment on column request_ratios.withheld_share is 'Sum of the eight withheld.* rows (不予公开) / results_total; blanks as 0; null when results_total is blank or 0.';
comment on column request_ratios.unavailable_share is 'Sum of the unavailable.* rows (无法提供) / results_total; blanks as 0; null when results_total is blank or 0.';
comment on column request_ratios.not_processed_share is 'Sum of the not_processed.* rows (不予处理) / results_total; blanks as 0; null when results_total is blank or 0.';
comment on column request_ratios.blank_granted_cells is 'How many of granted[total] and partially_granted[total] are blank (0, 1 or 2; absent cells are not counted).';
