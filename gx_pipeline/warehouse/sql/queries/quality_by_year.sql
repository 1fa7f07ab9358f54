-- Per report year: what became of the raw pages (loaded, quarantined), their trust status, the
-- tally check's verdicts, the identities that fail and the reviewers' decisions on the year's
-- flags (report_quality's review columns), of the real agencies' pages only: a generated
-- (synthetic) page counted among them would pass its made-up defects off as the year's. The
-- generated pages are counted apart, in the columns named generated*, and in none of the
-- others. A quarantined page of a warehouse the code before quarantine.generated loaded (not
-- loaded since: a load tells those rows from the raw file) is told by its name (gen-…), the
-- rule the inventory applies first. The counts of a year without any such row
-- are 0 (nothing to count), never a blank read as 0.
with years as (
    select report_year from dim_report
    union
    select report_year from quarantine
),
reports as (
    select report_year,
           count(*) filter (where not generated) as loaded,
           count(*) filter (where generated) as generated,
           count(*) filter (where not generated and trust_status = 'clean') as clean,
           count(*) filter (where not generated and trust_status = 'needs_review')
               as needs_review,
           count(*) filter (where not generated and verdict = 'consistent') as consistent,
           count(*) filter (where not generated and verdict = 'holds only with absent cells as 0')
               as holds_with_absent_cells,
           count(*) filter (where not generated and verdict = 'not fully assessable')
               as not_fully_assessable,
           count(*) filter (where not generated and verdict = 'contradicts itself')
               as contradicts_itself,
           count(*) filter (where not generated and verdict = 'nothing to check')
               as nothing_to_check,
           count(*) filter (where not generated and verdict = 'not checked') as not_checked,
           sum(open_flags) filter (where not generated) as open_flags,
           sum(confirmed_flags) filter (where not generated) as confirmed_flags,
           sum(dismissed_flags) filter (where not generated) as dismissed_flags,
           sum(second_look_flags) filter (where not generated) as second_look_flags,
           sum(corrected_cells) filter (where not generated) as corrected_cells,
           count(*) filter (where generated and trust_status = 'clean') as generated_clean,
           count(*) filter (where generated and trust_status = 'needs_review')
               as generated_needs_review,
           count(*) filter (where generated and verdict = 'contradicts itself')
               as generated_contradicts_itself
    from report_quality
    group by report_year
),
quarantined as (
    select report_year,
           count(*) filter (where not generated) as quarantined,
           count(*) filter (where generated) as generated_quarantined
    from (select report_year,
                 coalesce(generated, regexp_matches(source, '(^|/)gen-[^/]*$')) as generated
          from quarantine)
    group by report_year
),
failing as (
    select t.report_year,
           count(*) filter (where not d.generated) as failing_identities,
           count(*) filter (where d.generated) as generated_failing_identities
    from tally_results t
    join dim_report d using (report_id)
    where t.status = 'fail'
    group by t.report_year
)
select
    y.report_year,
    coalesce(r.loaded, 0) + coalesce(q.quarantined, 0) as raw_files,
    coalesce(r.loaded, 0) as loaded,
    coalesce(r.generated, 0) as generated,
    coalesce(q.quarantined, 0) as quarantined,
    coalesce(r.clean, 0) as clean,
    coalesce(r.needs_review, 0) as needs_review,
    coalesce(r.consistent, 0) as consistent,
    coalesce(r.holds_with_absent_cells, 0) as holds_with_absent_cells,
    coalesce(r.not_fully_assessable, 0) as not_fully_assessable,
    coalesce(r.contradicts_itself, 0) as contradicts_itself,
    coalesce(r.nothing_to_check, 0) as nothing_to_check,
    coalesce(r.not_checked, 0) as not_checked,
    coalesce(f.failing_identities, 0) as failing_identities,
    cast(coalesce(r.open_flags, 0) as bigint) as open_flags,
    cast(coalesce(r.confirmed_flags, 0) as bigint) as confirmed_flags,
    cast(coalesce(r.dismissed_flags, 0) as bigint) as dismissed_flags,
    cast(coalesce(r.second_look_flags, 0) as bigint) as second_look_flags,
    cast(coalesce(r.corrected_cells, 0) as bigint) as corrected_cells,
    coalesce(r.generated, 0) + coalesce(q.generated_quarantined, 0) as generated_raw_files,
    coalesce(q.generated_quarantined, 0) as generated_quarantined,
    coalesce(r.generated_clean, 0) as generated_clean,
    coalesce(r.generated_needs_review, 0) as generated_needs_review,
    coalesce(r.generated_contradicts_itself, 0) as generated_contradicts_itself,
    coalesce(f.generated_failing_identities, 0) as generated_failing_identities
from years y
left join reports r using (report_year)
left join quarantined q using (report_year)
left join failing f using (report_year)
order by y.report_year
