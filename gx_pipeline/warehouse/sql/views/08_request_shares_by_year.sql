-- The granted share pooled over reports, per report year: sum of granted + partially_granted over
-- sum of results_total, both over the same reports, those whose three figures are known. A
-- report with a blank (and not derivable) figure is left out of both sums and counted in
-- reports_left_out: summing the numerators that exist over every denominator would read its
-- blank as 0. One row per year, generated or not and trust status, so that generated pages can
-- be left out and the sums pooled again over any selection of rows.
create or replace view request_shares_by_year as
select
    report_year,
    generated,
    trust_status,
    count(*) as reports,
    count(*) filter (where known) as reports_used,
    count(*) filter (where not known) as reports_left_out,
    count(*) filter (where known and used_derived) as reports_with_derived,
    sum(granted + partially_granted) filter (where known) as granted_or_partly,
    sum(results_total) filter (where known) as handled,
    sum(granted + partially_granted) filter (where known)
        / nullif(sum(results_total) filter (where known), 0) as granted_share
from (
    select *,
           granted is not null and partially_granted is not null and results_total is not null
               as known,
           list_has_any(derived_rows, ['granted', 'partially_granted', 'results_total'])
               as used_derived
    from request_ratios
)
group by all;
comment on view request_shares_by_year is 'Share of the requests handled that were granted in full or in part, pooled per report year over the reports whose granted, partially_granted and results_total are all known (as printed or derived from the applicant columns, see request_totals); reports with a blank figure are left out of numerator and denominator alike. One row per year, generated and trust_status: pool again with sum(granted_or_partly) / sum(handled).';
comment on column request_shares_by_year.report_year is 'Report year.';
comment on column request_shares_by_year.generated is 'True for the synthetic pages (dim_report.generated): leave these rows out of any analysis of real agencies.';
comment on column request_shares_by_year.trust_status is 'clean | needs_review (dim_report.trust_status) of the reports in this row.';
comment on column request_shares_by_year.reports is 'Reports with a section 三 in this row (request_ratios).';
comment on column request_shares_by_year.reports_used is 'Reports whose granted, partially_granted and results_total are all known: the reports pooled.';
comment on column request_shares_by_year.reports_left_out is 'Reports left out because one of the three figures is blank and not derivable.';
comment on column request_shares_by_year.reports_with_derived is 'Reports pooled where one of the three figures is derived from the applicant columns (its 总计 is blank).';
comment on column request_shares_by_year.granted_or_partly is 'Sum of granted + partially_granted over the reports pooled; null when none is.';
comment on column request_shares_by_year.handled is 'Sum of results_total over the reports pooled; null when none is.';
comment on column request_shares_by_year.granted_share is 'granted_or_partly / handled; null when no report is pooled or handled is 0.';
