-- requests.carry_chain across years: this year's carried_over[total] against last year's
-- carried_forward[total] of the same agency. The same agency = same agency name and same
-- division_code (both null counts as the same); only names that identify one report in each of
-- the two years are paired, so two different 新华街道办事处 without a region are never matched.
create or replace view carry_chain as
with keyed as (
    select d.report_id, d.report_year, d.agency, d.division_code, d.generated, d.trust_status,
           d.trust_reasons,
           count(*) over (partition by d.report_year, d.agency, d.division_code) as same_key
    from dim_report d
    where d.agency is not null
),
totals as (
    select k.*,
           (select f.value from fact_requests f
             where f.report_id = k.report_id and f."row" = 'carried_over' and f.col = 'total')
               as carried_over,
           (select f.value from fact_requests f
             where f.report_id = k.report_id and f."row" = 'carried_forward' and f.col = 'total')
               as carried_forward
    from keyed k
    where k.same_key = 1
)
select
    cur.agency,
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
        when coalesce(cur.carried_over, 0) = coalesce(prev.carried_forward, 0) then 'pass'
        when cur.carried_over is not null and prev.carried_forward is not null then 'fail'
        else 'not_assessable'
    end as status
from totals cur
join totals prev
  on prev.report_year = cur.report_year - 1
 and prev.agency = cur.agency
 and prev.division_code is not distinct from cur.division_code;
comment on view carry_chain is 'requests.carry_chain: for each agency with a report in two consecutive years, carried_over[total] (上年结转) of year y against carried_forward[total] (结转下年度继续办理) of year y-1. Same agency = same name and division_code, unique in each year. status as in tally_results (the identity is evaluated with blanks as 0, and a blank makes a difference not_assessable, never a failure); difference is null when either cell is blank.';
comment on column carry_chain.agency is 'Agency name (the same in both years).';
comment on column carry_chain.division_code is 'Division code of the agency (null when no region is known; then the name alone matches).';
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
comment on column carry_chain.status is 'pass (equal, blanks as 0) | fail (different, both present) | not_assessable (different, one is blank).';
