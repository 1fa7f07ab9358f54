-- Outcome rates of section 四 per report and appeal row. A rate with a blank outcome cell is
-- null: counting the blank as 0 would make a correction rate out of a cell nobody filled in.
create or replace view review_ratios as
select
    w.report_id,
    w.report_year,
    w.agency,
    w.province,
    w.generated,
    w.trust_status,
    w.trust_reasons,
    w."row",
    w.upheld,
    w.corrected,
    w.other,
    w.pending,
    w.upheld + w.corrected + w.other as decided,
    w.corrected / nullif(w.upheld + w.corrected + w.other, 0) as correction_rate,
    w.upheld / nullif(w.upheld + w.corrected + w.other, 0) as upheld_rate,
    (w.upheld is null)::integer + (w.corrected is null)::integer + (w.other is null)::integer
        as blank_outcome_cells
from appeals_wide w;
comment on view review_ratios is 'Outcome rates of administrative review (row review) and litigation (litigation_direct, litigation_after_review) per report: correction_rate = corrected / (upheld + corrected + other), pending cases excluded. decided and the rates are null when any of upheld, corrected, other is blank or absent (blank_outcome_cells says how many), never computed with a blank as 0; the rates are null too when no case was decided.';
comment on column review_ratios.report_id is 'The report.';
comment on column review_ratios.report_year is 'Report year.';
comment on column review_ratios.agency is 'Publishing agency.';
comment on column review_ratios.province is 'Province of the agency.';
comment on column review_ratios.generated is 'True for synthetic pages (dim_report.generated): leave them out of any analysis of real agencies.';
comment on column review_ratios.trust_status is 'clean | needs_review (dim_report.trust_status).';
comment on column review_ratios.trust_reasons is 'Why the report needs review, as codes (dim_report.trust_reasons); empty when clean.';
comment on column review_ratios.row is 'review (行政复议) | litigation_direct (未经复议直接起诉) | litigation_after_review (复议后起诉).';
comment on column review_ratios.upheld is 'Cases upheld (结果维持); null = blank.';
comment on column review_ratios.corrected is 'Cases corrected (结果纠正); null = blank.';
comment on column review_ratios.other is 'Other outcomes (其他结果); null = blank.';
comment on column review_ratios.pending is 'Not yet decided (尚未审结); not in the rates; null = blank.';
comment on column review_ratios.decided is 'upheld + corrected + other: the denominator; null when any of the three is blank or absent.';
comment on column review_ratios.correction_rate is 'corrected / decided; null when decided is null or 0.';
comment on column review_ratios.upheld_rate is 'upheld / decided; null when decided is null or 0.';
comment on column review_ratios.blank_outcome_cells is 'How many of upheld, corrected, other are blank or absent (0-3).';
