-- Section 四 as a table: one row per report and appeal row (review, litigation_direct,
-- litigation_after_review), one column per outcome. Value column comments come from contract.py.
create or replace view appeals_wide as
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
    max(f.value) filter (where f.col = 'upheld') as upheld,
    max(f.value) filter (where f.col = 'corrected') as corrected,
    max(f.value) filter (where f.col = 'other') as other,
    max(f.value) filter (where f.col = 'pending') as pending,
    max(f.value) filter (where f.col = 'total') as total
from fact_appeals f
join dim_report d using (report_id)
left join contract_cells c
  on c.template = d.template and c.section = f.section and c."row" = f."row" and c.col = f.col
group by all;
comment on view appeals_wide is 'Section 四 (政府信息公开行政复议、行政诉讼情况) as a wide table: one row per report and appeal row (review, litigation_direct, litigation_after_review), one column per outcome (upheld … total). Null = empty cell, not zero.';
