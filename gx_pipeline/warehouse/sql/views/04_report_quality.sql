-- One row per report: what the parser flagged and what the tally check found.
create or replace view report_quality as
select
    d.report_id,
    d.report_year,
    d.agency,
    d.province,
    d.source,
    d.template,
    d.generated,
    d.trust_status,
    d.trust_reasons,
    d.problem_count,
    d.incomplete_sections,
    d.tally_passed,
    d.tally_failed,
    d.tally_not_assessable,
    case
        when d.tally_passed is null then 'not checked'
        when d.tally_failed > 0 then 'contradicts itself'
        when d.tally_not_assessable > 0 then 'not fully assessable'
        else 'consistent'
    end as verdict,
    (select string_agg(t.identity || ' ' || t.subject, ', ' order by t.identity, t.subject)
       from tally_results t
      where t.report_id = d.report_id and t.status = 'fail') as failed_identities
from dim_report d;
comment on view report_quality is 'One row per report: parser problems and the tally check''s verdict. verdict: not checked (the check has not run) | contradicts itself (an identity fails with every cell present) | not fully assessable (no failure, but an identity is broken where a cell is blank) | consistent.';
comment on column report_quality.report_id is 'The report (dim_report.report_id).';
comment on column report_quality.report_year is 'Report year.';
comment on column report_quality.agency is 'Publishing agency.';
comment on column report_quality.province is 'Province of the agency (dim_report.province).';
comment on column report_quality.source is 'Raw file under data/raw/.';
comment on column report_quality.template is 'Format version: 2019 or 2021.';
comment on column report_quality.generated is 'True for synthetic pages (dim_report.generated): leave them out of any analysis of real agencies.';
comment on column report_quality.trust_status is 'clean | needs_review (dim_report.trust_status).';
comment on column report_quality.trust_reasons is 'Why the report needs review, as codes (dim_report.trust_reasons); empty when clean.';
comment on column report_quality.problem_count is 'Number of parser problems (dim_report.problems).';
comment on column report_quality.incomplete_sections is 'Sections not found complete on the page.';
comment on column report_quality.tally_passed is 'Identities that hold; null = not checked.';
comment on column report_quality.tally_failed is 'Identities broken with every operand present; null = not checked.';
comment on column report_quality.tally_not_assessable is 'Identities broken where an operand is blank; null = not checked.';
comment on column report_quality.verdict is 'not checked | contradicts itself | not fully assessable | consistent.';
comment on column report_quality.failed_identities is 'The failing identities as "identity subject", comma separated; null when none fails.';
