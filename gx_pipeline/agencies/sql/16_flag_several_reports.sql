-- several_reports: the agency has more than one report of the year (a report and its corrected
-- re-post, one report on two sites with a figure changed on one: not one report to the copy
-- check). Each is flagged, naming the others: a sum over the year counts the agency once per
-- report, and the comparisons across years (carry_chain, cells_year_over_year, the flags above)
-- leave the agency out of that year. Agencies keyed report:<id> (a name two reports of one year
-- share, without place) are one report each and never flagged.
insert into report_flags by name
with reports as (
    select report_id, report_year, agency_id, source,
           count(*) over (partition by agency_id, report_year) as reports,
           list(source) over (partition by agency_id, report_year) as sources
    from dim_report
    where agency_id is not null
)
select report_id, report_year, agency_id, 'several_reports' as flag, '' as subject,
       [] as cells,
       'the agency (' || agency_id || ') has ' || reports || ' reports of ' || report_year
           || ': this one and '
           || array_to_string(list_sort(list_filter(sources, lambda s: s <> source)), ', ')
           || '; a sum over the year counts the agency once per report (counted twice or '
           || 'more), and the comparisons with its other years (carry_chain, '
           || 'cells_year_over_year) leave it out' as detail,
       to_json({
           'reports': reports,
           'other_sources': list_sort(list_filter(sources, lambda s: s <> source))
       }) as evidence
from reports
where reports > 1
