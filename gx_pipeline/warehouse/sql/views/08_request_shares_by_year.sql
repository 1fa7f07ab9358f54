-- The granted share pooled over reports, per report year: sum of granted + partially_granted over
-- sum of results_total, both over the same reports, those whose three figures are known. A
-- report with a blank (and not derivable) figure is left out of both sums and counted in
-- reports_left_out: summing the numerators that exist over every denominator would read its
-- blank as 0. One row per year, generated or not and trust status, so that generated pages can
-- be left out and the sums pooled again over any selection of rows. Every report of the year is
-- counted (reports_of_year), also one without section 三 (a page cut off before it, which
-- request_ratios does not have): `reports` counts only those with section 三, and was read as
-- the year's reports.
create or replace view request_shares_by_year as
select
    d.report_year,
    d.generated,
    d.trust_status,
    count(r.report_id) as reports,
    count(*) filter (where known) as reports_used,
    count(*) filter (where not known) as reports_left_out,
    count(*) filter (where known and used_derived) as reports_with_derived,
    sum(granted + partially_granted) filter (where known) as granted_or_partly,
    sum(results_total) filter (where known) as handled,
    sum(granted + partially_granted) filter (where known)
        / nullif(sum(results_total) filter (where known), 0) as granted_share,
    count(*) as reports_of_year,
    count(r.report_id) as reports_with_requests
from dim_report d
left join (
    select report_id, granted, partially_granted, results_total,
           granted is not null and partially_granted is not null and results_total is not null
               as known,
           list_has_any(derived_rows, ['granted', 'partially_granted', 'results_total'])
               as used_derived
    from request_ratios
) r using (report_id)
group by all;
comment on view request_shares_by_year is 'Share of the requests handled that were granted in full or in part, pooled per report year over the reports whose granted, partially_granted and results_total are all known (as printed or derived from the applicant columns, see request_totals); reports with a blank figure are left out of numerator and denominator alike. One row per year, generated and trust_status (also where no report of the row has section 三: reports 0, the sums null): pool again with sum(granted_or_partly) / sum(handled). reports_of_year counts every report of the row, reports (= reports_with_requests) those with section 三.';
comment on column request_shares_by_year.report_year is 'Report year.';
comment on column request_shares_by_year.generated is 'True for the synthetic pages (dim_report.generated): leave these rows out of any analysis of real agencies.';
comment on column request_shares_by_year.trust_status is 'clean | needs_review (dim_report.trust_status) of the reports in this row.';
comment on column request_shares_by_year.reports is 'Reports WITH A SECTION 三 in this row (request_ratios), the same as reports_with_requests: not the year''s reports (reports_of_year), as a page cut off before section 三 is not counted. reports_used + reports_left_out = reports.';
comment on column request_shares_by_year.reports_used is 'Reports whose granted, partially_granted and results_total are all known: the reports pooled.';
comment on column request_shares_by_year.reports_left_out is 'Reports left out because one of the three figures is blank and not derivable.';
comment on column request_shares_by_year.reports_with_derived is 'Reports pooled where one of the three figures is derived from the applicant columns (its 总计 is blank).';
comment on column request_shares_by_year.granted_or_partly is 'Sum of granted + partially_granted over the reports pooled; null when none is.';
comment on column request_shares_by_year.handled is 'Sum of results_total over the reports pooled; null when none is.';
comment on column request_shares_by_year.granted_share is 'granted_or_partly / handled; null when no report is pooled or handled is 0.';
comment on column request_shares_by_year.reports_of_year is 'Every report of the year in this row (dim_report), with or without section 三: the year''s report count.';
comment on column request_shares_by_year.reports_with_requests is 'Reports with a section 三 (request_ratios): the same count as reports, under a name that says so. reports_of_year - reports_with_requests have no section 三 on the page.';
