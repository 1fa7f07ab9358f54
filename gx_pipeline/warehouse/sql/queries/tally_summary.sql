-- The tally of one report year as the check judges it, in aggregates only (bounded memory on a
-- national year of 100,000 reports). $year = the report year; $flags = the codes of
-- report_flags (gx_pipeline.agencies.rebuild.FLAGS).
-- reports_without_tally / counts_disagree are the pipeline's own failures: a report with
-- requests or appeals cells always has tally rows, and dim_report's counts are written from
-- the same evaluation as tally_results.
with counts as (
    select report_id,
           count(*) filter (where status = 'pass') as passed,
           count(*) filter (where status = 'fail') as failed,
           count(*) filter (where status = 'not_assessable') as not_assessable,
           count(*) filter (where status = 'pass' and absent_cells > 0) as passed_absent,
           count(absent_cells) as absent_counted,
           count(*) filter (where reason = 'applicants_outside_template') as outside
    from tally_results
    where report_year = $year
    group by report_id
),
-- each report of the year with its counts; `uncounted`: loaded by code that did not count absent
-- cells (a warehouse upgraded in place, the year not loaded again): tally_passed_absent and
-- every absent_cells of the report null
reports as (
    select d.tally_passed, d.tally_failed, d.tally_not_assessable, d.tally_passed_absent,
           c.passed, c.failed, c.not_assessable, c.passed_absent,
           d.tally_passed_absent is null and coalesce(c.absent_counted, 0) = 0 as uncounted
    from dim_report d left join counts c using (report_id)
    where d.report_year = $year
),
with_cells as (
    select distinct report_id from fact_requests where report_year = $year
    union
    select distinct report_id from fact_appeals where report_year = $year
)
select
    (select count(*) from dim_report where report_year = $year) as reports,
    -- needing review for the reading of the page: the agencies' quality flags ($flags, also
    -- among trust_reasons: published late, copied text …) are the agencies' doing, not a sign
    -- that the pages were misread
    (select count(*) from dim_report
      where report_year = $year
        and len(list_filter(trust_reasons, lambda r: not list_contains($flags, r))) > 0)
        as needs_review,
    (select count(*) from counts where failed > 0) as failing_reports,
    (select count(*) from counts where not_assessable > 0) as not_assessable_reports,
    (select coalesce(sum(passed + failed + not_assessable), 0) from counts) as evaluations,
    (select coalesce(sum(passed), 0) from counts) as passed,
    (select coalesce(sum(failed), 0) from counts) as failed,
    (select coalesce(sum(not_assessable), 0) from counts) as not_assessable,
    (select count(*) from with_cells w
      where not exists (select 1 from counts c where c.report_id = w.report_id)) as reports_without_tally,
    (select count(*) from reports
      where tally_passed is distinct from coalesce(passed, 0)
         or tally_failed is distinct from coalesce(failed, 0)
         or tally_not_assessable is distinct from coalesce(not_assessable, 0)
         or (tally_passed_absent is distinct from coalesce(passed_absent, 0) and not uncounted))
        as counts_disagree,
    -- passes that compared no figure of a cell absent from the page (0 = 0 over rows a page
    -- cut off never reached), and the reports whose every identity holds but some only so:
    -- report_quality's 'holds only with absent cells as 0', not 'consistent'
    (select coalesce(sum(passed_absent), 0) from counts) as passed_absent,
    (select count(*) from counts
      where passed_absent > 0 and failed = 0 and not_assessable = 0) as absent_reports,
    -- not a disagreement of the counts, but whether their passes compared figures is not known
    (select count(*) from reports where uncounted) as uncounted_reports,
    -- row totals not assessable because the row's 总计 counts requests of a kind of applicant
    -- the template lacks (个体工商户, left out): no contradiction of the page, said
    (select coalesce(sum(outside), 0) from counts) as outside_not_assessable,
    (select count(*) from counts where outside > 0) as outside_reports
