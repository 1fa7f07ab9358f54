-- several_reports: the agency has more than one report of the year (a report and its corrected
-- re-post, one report on two sites with a figure changed on one: not one report to the copy
-- check). Each is flagged, naming the others: a sum over the year counts the agency once per
-- report, and the comparisons across years (carry_chain, cells_year_over_year, the flags above)
-- leave the agency out of that year. Reports keyed report:<id> (a name two reports of one year
-- share, without place: unresolved) are an agency each, as they may be two places' agencies;
-- but they may as well be one agency's report and its re-post, so the reports of a year
-- sharing such a name are flagged together, the detail saying which it cannot tell: a
-- clean-only sum over the year would otherwise count the agency twice with nothing said.
insert into report_flags by name
with reports as (
    select report_id, report_year, agency_id, source, agency,
           agency_match = 'unresolved' as unresolved,
           case when agency_match = 'unresolved' then organ_key else agency_id end as kin
    from dim_report
    where agency_id is not null
),
counted as (
    select *,
           count(*) over (partition by kin, report_year) as reports,
           list(source) over (partition by kin, report_year) as sources
    from reports
)
select report_id, report_year, agency_id, 'several_reports' as flag, '' as subject,
       [] as cells,
       case when unresolved
            then 'the name ' || agency || ', without a place, is shared by ' || reports
                 || ' reports of ' || report_year || ': this one and '
            else 'the agency (' || agency_id || ') has ' || reports || ' reports of '
                 || report_year || ': this one and '
       end
           || array_to_string(list_sort(list_filter(sources, lambda s: s <> source)), ', ')
           || case when unresolved
                   then '; one agency''s (a report and its re-post) or agencies of different '
                        || 'places, which cannot be told: a sum over the year may count one '
                        || 'agency twice or more'
                   else '; a sum over the year counts the agency once per report (counted '
                        || 'twice or more), and the comparisons with its other years '
                        || '(carry_chain, cells_year_over_year) leave it out'
              end as detail,
       to_json({
           'reports': reports,
           'other_sources': list_sort(list_filter(sources, lambda s: s <> source))
       }) as evidence
from counted
where reports > 1
