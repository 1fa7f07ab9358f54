-- The 总计 (total) column of section 三, one row per report and table row, with the one
-- derivation the warehouse makes: many agencies leave 总计 blank on rows whose applicant columns
-- they fill in, so a blank 总计 is replaced by the sum of the row's applicant columns when every
-- one of them has a number, and the row says so (derived). A blank applicant cell leaves the
-- figure null: blank is not 0. Every figure computed from section 三 (request_ratios, the
-- requests_by_outcome chart) reads its totals here.
create or replace view request_totals as
with template_rows as (
    select template, "row", row_seq, row_group, row_label_en,
           count(*) filter (where col <> 'total') as applicant_columns
    from contract_cells
    where section = 'requests'
    group by all
),
cells as (
    select report_id, "row",
           max(value) filter (where col = 'total') as printed_total,
           sum(value) filter (where col <> 'total') as applicant_sum,
           count(value) filter (where col <> 'total') as applicant_numbers
    from fact_requests
    group by report_id, "row"
)
select
    c.report_id,
    d.report_year,
    d.agency,
    d.province,
    d.generated,
    d.trust_status,
    d.trust_reasons,
    d.template,
    t.row_seq,
    c."row",
    t.row_group,
    t.row_label_en,
    c.printed_total,
    case when c.applicant_numbers = t.applicant_columns then c.applicant_sum end as applicant_sum,
    coalesce(
        c.printed_total,
        case when c.applicant_numbers = t.applicant_columns then c.applicant_sum end
    ) as total,
    c.printed_total is null and c.applicant_numbers = t.applicant_columns as derived
from cells c
join dim_report d using (report_id)
join template_rows t on t.template = d.template and t."row" = c."row";
comment on view request_totals is 'Section 三''s total (总计) column, one row per report and table row present on the page. total is the 总计 cell as printed; when that cell is blank and every applicant column of the row has a number, it is their sum and derived is true; otherwise null. A blank is never read as 0.';
comment on column request_totals.report_id is 'The report (dim_report.report_id).';
comment on column request_totals.report_year is 'Report year.';
comment on column request_totals.agency is 'Publishing agency (dim_report.agency).';
comment on column request_totals.province is 'Province of the agency (dim_report.province).';
comment on column request_totals.generated is 'True for synthetic pages (dim_report.generated): leave them out of any analysis of real agencies.';
comment on column request_totals.trust_status is 'clean | needs_review (dim_report.trust_status).';
comment on column request_totals.trust_reasons is 'Why the report needs review, as codes (dim_report.trust_reasons); empty when clean.';
comment on column request_totals.template is 'Format version: 2019 or 2021.';
comment on column request_totals.row_seq is 'Position of the row in the template, for ordering.';
comment on column request_totals.row is 'Row code of docs/CONTRACT.md.';
comment on column request_totals.row_group is 'Result group of the row (results, withheld, unavailable, not_processed, other); null for the balance rows.';
comment on column request_totals.row_label_en is 'English row label (contract_cells.row_label_en).';
comment on column request_totals.printed_total is 'The 总计 cell as printed; null = blank (or no such cell on the page).';
comment on column request_totals.applicant_sum is 'Sum of the six applicant columns (natural_person … other_org) when every one has a number; null when any is blank or missing.';
comment on column request_totals.total is 'printed_total, else applicant_sum (then derived is true), else null.';
comment on column request_totals.derived is 'True when total is not printed but the sum of the applicant columns.';
