-- requests.carry_chain across years: this year's carried_over[total] against last year's
-- carried_forward[total] of the same agency (dim_report.agency_id, dim_agency): short and full
-- names of one agency are one agency, two 新华街道办事处 of two places are two. Only agencies with
-- one report in each of the two years are paired. As a report's own identities apply only to a
-- page with cells of section 三, a pair where either page has none (cut off before it) is
-- not_assessable: its absent cells counted as 0 would make two unread tables agree.
create or replace view carry_chain as
with one as (
    select agency_id, report_year, min(report_id) as report_id
    from dim_report
    where agency_id is not null
    group by all
    having count(*) = 1
),
-- the two cells of each report and whether its page has them, in one pass over its section 三
-- (one lookup a report, not five): a report with no row here has no section 三
cells as (
    select report_id,
           max(value) filter (where "row" = 'carried_over' and col = 'total') as carried_over,
           max(value) filter (where "row" = 'carried_forward' and col = 'total')
               as carried_forward,
           -- on the page, blank or not; absent: no such cell (a page cut off before the row)
           -- or one without a place on the page (a truncated row's end, taken as empty)
           bool_or("row" = 'carried_over' and col = 'total' and source_td is not null)
               as has_carried_over,
           bool_or("row" = 'carried_forward' and col = 'total' and source_td is not null)
               as has_carried_forward
    from fact_requests
    where report_id in (select report_id from one)
    group by report_id
),
totals as (
    select o.agency_id, d.report_year, d.report_id, d.agency, d.division_code, d.generated,
           d.trust_status, d.trust_reasons, c.carried_over, c.carried_forward,
           coalesce(c.has_carried_over, false) as has_carried_over,
           coalesce(c.has_carried_forward, false) as has_carried_forward,
           c.report_id is not null as has_requests
    from one o
    join dim_report d using (report_id)
    left join cells c using (report_id)
)
select
    a.name as agency,
    cur.division_code,
    cur.report_year,
    cur.report_id,
    prev.report_id as previous_report_id,
    cur.generated or prev.generated as generated,
    cur.trust_status,
    cur.trust_reasons,
    prev.trust_status as previous_trust_status,
    cur.carried_over,
    prev.carried_forward as previous_carried_forward,
    cur.carried_over - prev.carried_forward as difference,
    case
        when not (cur.has_requests and prev.has_requests) then 'not_assessable'
        when coalesce(cur.carried_over, 0) = coalesce(prev.carried_forward, 0) then 'pass'
        when cur.carried_over is not null and prev.carried_forward is not null then 'fail'
        else 'not_assessable'
    end as status,
    cur.agency_id,
    cur.agency as report_agency,
    prev.agency as previous_agency,
    (not cur.has_carried_over)::integer + (not prev.has_carried_forward)::integer
        as absent_cells
from totals cur
join totals prev
  on prev.agency_id = cur.agency_id
 and prev.report_year = cur.report_year - 1
left join dim_agency a on a.agency_id = cur.agency_id;
comment on view carry_chain is 'requests.carry_chain: for each agency (dim_agency) with one report in each of two consecutive years, carried_over[total] (上年结转) of year y against carried_forward[total] (结转下年度继续办理) of year y-1. status as in tally_results (the identity is evaluated with blanks as 0, and a blank makes a difference not_assessable, never a failure; a pair where either page has no cell of section 三 is not_assessable); difference is null when either cell is blank. A pass with absent_cells > 0 compared no figure: the cell is not on its page and counts as 0. A fail is the flag carry_chain_break (report_flags).';
comment on column carry_chain.agency is 'The agency''s fullest name (dim_agency.name), as in cells_year_over_year: also where this page names no agency; null only when no report of the agency names it (report_agency, previous_agency: the names the two reports write).';
comment on column carry_chain.division_code is 'Division code of the report of year y (dim_report.division_code; the agency''s is dim_agency.division_code).';
comment on column carry_chain.report_year is 'Year y: the later of the two reports.';
comment on column carry_chain.report_id is 'The report of year y.';
comment on column carry_chain.previous_report_id is 'The report of year y-1.';
comment on column carry_chain.carried_over is 'requests carried_over[total] in year y; null = blank or absent.';
comment on column carry_chain.previous_carried_forward is 'requests carried_forward[total] in year y-1; null = blank or absent.';
comment on column carry_chain.generated is 'True when either report is a synthetic page (dim_report.generated): leave these rows out of any analysis of real agencies.';
comment on column carry_chain.trust_status is 'clean | needs_review of the report of year y (dim_report.trust_status).';
comment on column carry_chain.trust_reasons is 'Why the report of year y needs review, as codes (dim_report.trust_reasons); empty when clean.';
comment on column carry_chain.previous_trust_status is 'clean | needs_review of the report of year y-1.';
comment on column carry_chain.difference is 'carried_over - previous_carried_forward; null when either is blank or absent.';
comment on column carry_chain.status is 'pass (equal, blanks and absent cells as 0: see absent_cells) | fail (different, both present) | not_assessable (different, one is blank; or either page has no cell of section 三).';
comment on column carry_chain.agency_id is 'The agency (dim_agency.agency_id).';
comment on column carry_chain.report_agency is 'Agency name as the report of year y writes it (dim_report.agency); null when the page names none.';
comment on column carry_chain.previous_agency is 'Agency name as the report of year y-1 writes it (dim_report.agency); null when the page names none.';
comment on column carry_chain.absent_cells is 'How many of the two cells (carried_over of year y, carried_forward of year y-1) are absent from their page (a page with section 三 that does not have the row, e.g. cut off before it, or the cell of a truncated row taken as empty): 0-2. The contract counts an absent cell as 0, so a pass with absent_cells > 0 compared no figure and is no evidence that the chain holds.';
