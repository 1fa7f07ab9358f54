-- Section 三 as printed: one row per report and table row, one column per applicant column.
-- The value columns are the contract's column codes, in contract order; their comments (English
-- and Chinese header) are written from gx_pipeline/contract.py by warehouse.ensure_schema.
create or replace view requests_wide as
select
    f.report_id,
    f.report_year,
    d.agency,
    d.province,
    d.generated,
    d.trust_status,
    d.trust_reasons,
    d.template,
    c.row_seq,
    f."row",
    c.row_label_en,
    f.label as row_label,
    max(f.value) filter (where f.col = 'natural_person') as natural_person,
    max(f.value) filter (where f.col = 'enterprise') as enterprise,
    max(f.value) filter (where f.col = 'research') as research,
    max(f.value) filter (where f.col = 'nonprofit') as nonprofit,
    max(f.value) filter (where f.col = 'legal_service') as legal_service,
    max(f.value) filter (where f.col = 'other_org') as other_org,
    max(f.value) filter (where f.col = 'total') as total
from fact_requests f
join dim_report d using (report_id)
left join contract_cells c
  on c.template = d.template and c.section = f.section and c."row" = f."row" and c.col = f.col
group by all;
comment on view requests_wide is 'Section 三 (收到和处理政府信息公开申请情况) as a wide table: one row per report and table row, one column per applicant column (natural_person … total). A value is null where the page''s cell is empty or the page has no such cell; null is not zero.';
