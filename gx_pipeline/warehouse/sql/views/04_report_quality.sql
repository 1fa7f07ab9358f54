-- One row per report: what the parser flagged, what the tally check found, and how far
-- reviewers have decided on its flags (flag_reviews).
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
        -- no identity applies (no cell of section 三 or 四 on the page): nothing was checked
        when d.tally_passed = 0 then 'nothing to check'
        -- the contract counts an absent cell as 0: over the rows a page cut off before
        -- results_total and carried_forward never reached, the identities hold as 0 = 0
        -- without one figure compared, which is no evidence of consistency
        when d.tally_passed_absent > 0 then 'holds only with absent cells as 0'
        -- loaded before absent cells were counted: whether its passes compared figures is
        -- not known until the year is loaded again
        when d.tally_passed_absent is null then 'not checked'
        else 'consistent'
    end as verdict,
    (select string_agg(t.identity || ' ' || t.subject, ', ' order by t.identity, t.subject)
       from tally_results t
      where t.report_id = d.report_id and t.status = 'fail') as failed_identities,
    coalesce(r.flags, 0) as flags_raised,
    coalesce(r.open_flags, 0) as open_flags,
    coalesce(r.confirmed_flags, 0) as confirmed_flags,
    coalesce(r.dismissed_flags, 0) as dismissed_flags,
    coalesce(r.second_look_flags, 0) as second_look_flags,
    coalesce(k.corrected_cells, 0) as corrected_cells,
    case
        when coalesce(r.flags, 0) = 0 then 'no flags'
        when r.second_look_flags > 0 then 'second look'
        when r.open_flags > 0 then 'open'
        else 'reviewed'
    end as review,
    (select coalesce(list(distinct f.flag order by f.flag), [])
       from report_flags f
      where f.report_id = d.report_id) as flags,
    d.agency_id,
    d.tally_passed_absent,
    (select string_agg(t.subject, ', ' order by t.subject)
       from tally_results t
      where t.report_id = d.report_id and t.reason = 'applicants_outside_template')
        as rows_counting_applicants_outside_template
from dim_report d
left join (
    select report_id,
           count(*) as flags,
           count(*) filter (where review_status = 'open') as open_flags,
           count(*) filter (where review_status = 'confirmed') as confirmed_flags,
           count(*) filter (where review_status = 'dismissed') as dismissed_flags,
           count(*) filter (where review_status = 'second_look') as second_look_flags
    from flag_reviews
    group by report_id
) r using (report_id)
left join (
    select report_id_now as report_id, count(*) as corrected_cells
    from review_status
    where in_force and action = 'correct' and not needs_second_look
    group by report_id_now
) k using (report_id);
comment on view report_quality is 'One row per report: parser problems, the tally check''s verdict and the review of its flags (flag_reviews). verdict: not checked (the check has not run) | contradicts itself (an identity fails with every cell present) | not fully assessable (no failure, but an identity is broken where a cell is blank, or a row''s 总计 counts a kind of applicant the template lacks: rows_counting_applicants_outside_template) | nothing to check (no identity applies: the page has no cell of section 三 or 四, e.g. cut off before them) | holds only with absent cells as 0 (no identity fails or is not assessable, but some hold only because the contract counts cells absent from the page as 0: rows a cut-off page never reached compared as 0 = 0, tally_passed_absent says how many; not a check of those sums) | consistent (every identity evaluated holds, and every cell each one reads is on the page; a blank cell still counts as 0).';
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
comment on column report_quality.tally_passed is 'Identities that hold; null = not checked. Includes tally_passed_absent.';
comment on column report_quality.tally_failed is 'Identities broken with every operand present; null = not checked.';
comment on column report_quality.tally_not_assessable is 'Identities broken where an operand is blank, or row totals whose 总计 counts a kind of applicant the template lacks (rows_counting_applicants_outside_template); null = not checked.';
comment on column report_quality.verdict is 'not checked (also: loaded before absent cells were counted) | contradicts itself | not fully assessable | nothing to check | holds only with absent cells as 0 (every identity holds, some only over cells absent from the page: not checked there) | consistent (every identity holds over cells on the page).';
comment on column report_quality.failed_identities is 'The failing identities as "identity subject", comma separated; null when none fails.';
comment on column report_quality.flags_raised is 'Flags raised on the report (review_flags: trust reasons, failing identities, quality flags).';
comment on column report_quality.open_flags is 'Flags no reviewer has decided on yet.';
comment on column report_quality.confirmed_flags is 'Flags a reviewer confirmed: the page itself says so (the agency''s own contradiction, a page cut off).';
comment on column report_quality.dismissed_flags is 'Flags a reviewer dismissed as the parser''s misreading (parser_defects).';
comment on column report_quality.second_look_flags is 'Flags whose decision no longer attaches as made after a re-parse (review_status): to be looked at again.';
comment on column report_quality.corrected_cells is 'Cells with a correction in force (facts_corrected.corrected).';
comment on column report_quality.review is 'no flags | open (a flag awaits a decision) | second look (a decision needs a second look) | reviewed (every flag decided).';
comment on column report_quality.flags is 'The report''s flags (report_flags.flag: late, copied_text, …), sorted; empty when none. Each is also among trust_reasons.';
comment on column report_quality.agency_id is 'The agency (dim_agency.agency_id).';
comment on column report_quality.tally_passed_absent is 'Of tally_passed, the identities that hold only with a cell absent from the page counted as 0 (dim_report.tally_passed_absent); null = loaded before it was counted.';
comment on column report_quality.rows_counting_applicants_outside_template is 'The requests rows whose requests.row_total is not assessable because their 总计 counts requests of a kind of applicant the template lacks (个体工商户), a column the parser left out (tally_results.reason applicants_outside_template), comma separated; null when none.';
