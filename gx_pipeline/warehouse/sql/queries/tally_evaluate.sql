-- Every tally identity of every report of one report year, evaluated on the stored facts.
-- Parameters: ? = the report year. Needs a relation `tally_terms` (gx_pipeline.tally.term_rows:
-- the identities' terms, written once in Python). Blank or absent cells count as 0; an identity
-- that does not hold is 'fail' when every cell it reads has a number, else 'not_assessable';
-- absent_cells: how many of its cells are absent from the page: no row in the facts, or one
-- without a place on the page (source_td null: the end of a truncated row, taken as empty).
-- A requests.row_total that does not hold on a row of dim_report.total_counts_left_out (its 总计
-- counts requests of a column the template lacks, left out) is 'not_assessable', never 'fail',
-- with the reason 'applicants_outside_template' (gx_pipeline.tally.OUTSIDE_TEMPLATE).
with params as (select ?::integer as year),
facts as (
    select report_id, section, "row", col, value, source_td from fact_requests, params where report_year = params.year
    union all
    select report_id, section, "row", col, value, source_td from fact_appeals, params where report_year = params.year
),
reports as (
    select d.report_id, d.template, coalesce(d.total_counts_left_out, []) as left_out,
           exists (select 1 from facts f where f.report_id = d.report_id and f.section = 'requests') as has_requests,
           exists (select 1 from facts f where f.report_id = d.report_id and f.section = 'appeals') as has_appeals,
           exists (select 1 from facts f where f.report_id = d.report_id and f.section = 'requests'
                   and f."row" = 'other') as with_other_row
    from dim_report d, params
    where d.report_year = params.year and d.template is not null
),
applicable as (
    select r.report_id, t.identity, t.subject, t.side, t.section, t."row", t.col, t.seq,
           t.identity = 'requests.row_total' and list_contains(r.left_out, t.subject) as outside
    from reports r
    join tally_terms t
      on t.template = r.template and t.with_other_row = r.with_other_row
     and ((t.section = 'requests' and r.has_requests) or (t.section = 'appeals' and r.has_appeals))
),
evaluated as (
    select a.report_id, a.identity, a.subject, min(a.seq) as seq,
           coalesce(sum(f.value) filter (where a.side = 'left'), 0) as left_value,
           coalesce(sum(f.value) filter (where a.side = 'right'), 0) as right_value,
           count(f.value) = count(*) as complete,
           count(*) filter (where f.report_id is null or f.source_td is null) as absent_cells,
           bool_or(a.outside) as outside
    from applicable a
    left join facts f
      on f.report_id = a.report_id and f.section = a.section and f."row" = a."row" and f.col = a.col
    group by a.report_id, a.identity, a.subject
)
select report_id,
       (select year from params)::bigint as report_year,
       identity,
       subject,
       left_value,
       right_value,
       left_value - right_value as difference,
       case when abs(left_value - right_value) <= 1e-9 then 'pass'
            when complete and not outside then 'fail'
            else 'not_assessable' end as status,
       absent_cells,
       case when abs(left_value - right_value) > 1e-9 and outside
            then 'applicants_outside_template' end as reason
from evaluated
order by report_id, seq
