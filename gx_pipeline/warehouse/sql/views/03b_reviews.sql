-- The reviewers' decisions against the warehouse as it is now. Two table macros take the names
-- of the decision tables, so the same rules judge the copy in the warehouse (reviews,
-- review_cells: the views below) and the live log that `gx review` reads beside the published
-- file (its decisions registered under other names).
--
-- A decision follows its page's bytes (raw_sha256), never a file name, and its cells by key
-- (section.row.col). After a re-run or a parser change it is:
--   current       the same parser version, every cell as it was;
--   reattached    another parser version, every cell still reads the same at the same place;
--   cell_moved    a cell reads the same at another place on the page;
--   cell_changed  a cell reads differently (text or value);
--   cell_vanished a cell is no longer in the facts;
--   flag_gone     (confirm, dismiss) the flag is no longer raised;
--   report_gone   no loaded report has the page's bytes.
-- All but the first two need a second look: the decision is kept and shown, never applied unseen.
create or replace macro review_status_of(decisions, decision_cells) as table
with d as (
    select x.*, r.report_id as report_id_now, r.report_year as report_year_now,
           r.parser_version as parser_version_now, r.generated, r.trust_status
    from query_table(decisions) x
    left join dim_report r on r.raw_sha256 = x.raw_sha256
),
facts as (
    select report_id, section, "row", col, value, raw, source_table, source_tr, source_td
    from fact_requests
    union all
    select report_id, section, "row", col, value, raw, source_table, source_tr, source_td
    from fact_appeals
    union all
    select report_id, section, "row", col, value, raw, source_table, source_tr, source_td
    from fact_proactive
),
seen as (
    select c.decision_id,
           count(*) filter (where f.report_id is null) as vanished,
           count(*) filter (
               where f.report_id is not null
                 and (f.raw is distinct from c.raw or f.value is distinct from c.value)
           ) as changed,
           count(*) filter (
               where f.report_id is not null
                 and f.raw is not distinct from c.raw and f.value is not distinct from c.value
                 and (f.source_table is distinct from c.source_table
                      or f.source_tr is distinct from c.source_tr
                      or f.source_td is distinct from c.source_td)
           ) as moved
    from query_table(decision_cells) c
    join d using (decision_id)
    left join facts f
      on f.report_id = d.report_id_now and f.section = c.section and f."row" = c."row"
     and f.col = c.col
    group by c.decision_id
),
judged as (
    select d.*,
           coalesce(s.vanished, 0) as cells_vanished,
           coalesce(s.changed, 0) as cells_changed,
           coalesce(s.moved, 0) as cells_moved,
           row_number() over (
               partition by d.raw_sha256,
                            case when d.action = 'correct' then 'cell ' || d.cell
                                 else d.kind || ' ' || d.flag || ' ' || d.subject end
               order by d.made_at desc, d.decision_id desc
           ) = 1 as in_force,
           case
               when d.report_id_now is null then 'report_gone'
               when d.action <> 'correct' and not exists (
                   select 1 from review_flags g
                   where g.report_id = d.report_id_now and g.kind = d.kind
                     and g.flag = d.flag and g.subject = d.subject
               ) then 'flag_gone'
               when coalesce(s.vanished, 0) > 0 then 'cell_vanished'
               when coalesce(s.changed, 0) > 0 then 'cell_changed'
               when coalesce(s.moved, 0) > 0 then 'cell_moved'
               when d.parser_version is distinct from d.parser_version_now then 'reattached'
               else 'current'
           end as attachment
    from d
    left join seen s using (decision_id)
)
select *, attachment not in ('current', 'reattached') as needs_second_look
from judged;

create or replace macro flag_reviews_of(decisions, decision_cells) as table
select g.report_id, g.report_year, d.agency, d.province, d.generated, d.trust_status,
       g.kind, g.flag, g.subject, g.detail, g.cells,
       case
           when s.decision_id is null then 'open'
           when s.needs_second_look then 'second_look'
           when s.action = 'confirm' then 'confirmed'
           else 'dismissed'
       end as review_status,
       s.decision_id, s.action, s.reviewer, s.made_at, s.note, s.attachment,
       s.parser_version as decided_parser_version
from review_flags g
join dim_report d using (report_id)
left join (
    select * from review_status_of(decisions, decision_cells)
    where in_force and action <> 'correct'
) s
  on s.report_id_now = g.report_id and s.kind = g.kind and s.flag = g.flag
 and s.subject = g.subject;

create or replace view review_status as
select decision_id, made_at, reviewer, action, note, report_id, raw_sha256, report_year, source,
       parser_version, kind, flag, subject, cell, corrected_value, cells, report_id_now,
       report_year_now, parser_version_now, cells_vanished, cells_changed, cells_moved,
       in_force, attachment, needs_second_look, generated, trust_status
from review_status_of('reviews', 'review_cells');
comment on view review_status is 'Every decision of reviews with what it is attached to now: attachment current (same parser, cells as they were) | reattached (another parser version, every cell reads the same at the same place) | cell_moved | cell_changed | cell_vanished | flag_gone | report_gone; the last five need a second look (needs_second_look) and are never applied unseen. in_force: the latest decision on its flag (or, for a correction, its cell).';
comment on column review_status.decision_id is 'The decision (reviews.decision_id).';
comment on column review_status.made_at is 'When it was made (UTC).';
comment on column review_status.reviewer is 'Who made it.';
comment on column review_status.action is 'confirm | dismiss | correct.';
comment on column review_status.note is 'Why, in the reviewer''s words.';
comment on column review_status.report_id is 'The report decided on, when the decision was made.';
comment on column review_status.raw_sha256 is 'sha256 of the raw page decided on.';
comment on column review_status.report_year is 'Report year when the decision was made.';
comment on column review_status.source is 'Raw file under data/raw/ when the decision was made.';
comment on column review_status.parser_version is 'Parser version the decision was made on.';
comment on column review_status.kind is 'trust | tally | quality.';
comment on column review_status.flag is 'The flag decided on (trust reason, identity, report_flags flag).';
comment on column review_status.subject is 'The flag''s subject; empty for a trust reason.';
comment on column review_status.cell is 'correct: the cell corrected (section.row.col).';
comment on column review_status.corrected_value is 'correct: the value read on the page (null: the cell is blank on the page).';
comment on column review_status.cells is 'The cells the decision was made on (review_cells).';
comment on column review_status.report_id_now is 'The loaded report with the same raw page now; null when none is (report_gone).';
comment on column review_status.report_year_now is 'Its report year now.';
comment on column review_status.generated is 'True for synthetic pages (dim_report.generated of the report now); null when the report is gone.';
comment on column review_status.trust_status is 'clean | needs_review (dim_report.trust_status of the report now); null when the report is gone.';
comment on column review_status.parser_version_now is 'The parser version that read it now.';
comment on column review_status.cells_vanished is 'Cells of the decision no longer in the facts.';
comment on column review_status.cells_changed is 'Cells of the decision whose text or value differs now.';
comment on column review_status.cells_moved is 'Cells that read the same but stand at another place on the page now.';
comment on column review_status.in_force is 'True for the latest decision on its flag (or its cell, for a correction); earlier ones are kept as history.';
comment on column review_status.attachment is 'current | reattached | cell_moved | cell_changed | cell_vanished | flag_gone | report_gone (see the view''s comment).';
comment on column review_status.needs_second_look is 'True when the decision no longer attaches as made (anything but current or reattached): shown to reviewers again, not applied.';

create or replace view flag_reviews as
select * from flag_reviews_of('reviews', 'review_cells');
comment on view flag_reviews is 'Every flag of review_flags with its review status: open (no decision) | confirmed (the page itself says so) | dismissed (the parser misread the page: see parser_defects) | second_look (the decision in force no longer attaches as made: see review_status).';
comment on column flag_reviews.report_id is 'The report (dim_report.report_id).';
comment on column flag_reviews.report_year is 'Report year.';
comment on column flag_reviews.agency is 'Publishing agency (dim_report.agency).';
comment on column flag_reviews.province is 'Province of the agency (dim_report.province).';
comment on column flag_reviews.generated is 'True for synthetic pages (dim_report.generated).';
comment on column flag_reviews.trust_status is 'clean | needs_review (dim_report.trust_status).';
comment on column flag_reviews.kind is 'trust | tally | quality (review_flags.kind).';
comment on column flag_reviews.flag is 'The flag (review_flags.flag).';
comment on column flag_reviews.subject is 'The flag''s subject (review_flags.subject).';
comment on column flag_reviews.detail is 'What the flag found (review_flags.detail).';
comment on column flag_reviews.cells is 'quality flags: the cells concerned (review_flags.cells).';
comment on column flag_reviews.review_status is 'open | confirmed | dismissed | second_look.';
comment on column flag_reviews.decision_id is 'The decision in force on the flag (reviews.decision_id); null when open.';
comment on column flag_reviews.action is 'confirm | dismiss of the decision in force.';
comment on column flag_reviews.reviewer is 'Who decided.';
comment on column flag_reviews.made_at is 'When (UTC).';
comment on column flag_reviews.note is 'Why, in the reviewer''s words.';
comment on column flag_reviews.attachment is 'What the decision is attached to now (review_status.attachment).';
comment on column flag_reviews.decided_parser_version is 'Parser version the decision was made on.';

create or replace view parser_defects as
select s.report_id_now as report_id, s.report_year_now as report_year, d.agency, d.source,
       s.kind, s.flag, s.subject, s.note, s.reviewer, s.made_at,
       s.parser_version as decided_parser_version, s.parser_version_now,
       s.attachment <> 'flag_gone' as still_raised, d.generated, d.trust_status
from review_status s
left join dim_report d on d.report_id = s.report_id_now
where s.in_force and s.action = 'dismiss';
comment on view parser_defects is 'Flags reviewers dismissed as the parser''s misreading of the page, with their notes: the parser''s defects to fix. The report''s facts are left as published; still_raised turns false once a parser no longer raises the flag.';
comment on column parser_defects.report_id is 'The report now (null when no loaded report has the page).';
comment on column parser_defects.report_year is 'Its report year now.';
comment on column parser_defects.agency is 'Publishing agency.';
comment on column parser_defects.source is 'Raw file under data/raw/.';
comment on column parser_defects.generated is 'True for synthetic pages (dim_report.generated); null when the report is gone.';
comment on column parser_defects.trust_status is 'clean | needs_review (dim_report.trust_status); null when the report is gone.';
comment on column parser_defects.kind is 'trust | tally | quality.';
comment on column parser_defects.flag is 'The flag dismissed.';
comment on column parser_defects.subject is 'Its subject; empty for a trust reason.';
comment on column parser_defects.note is 'What the parser misread, in the reviewer''s words.';
comment on column parser_defects.reviewer is 'Who dismissed it.';
comment on column parser_defects.made_at is 'When (UTC).';
comment on column parser_defects.decided_parser_version is 'Parser version that misread the page.';
comment on column parser_defects.parser_version_now is 'Parser version that read the page now.';
comment on column parser_defects.still_raised is 'True while the flag is still raised on the page.';

create or replace view facts_corrected as
with facts as (
    select report_id, report_year, section, "row", col, label, col_label, value, raw
    from fact_requests
    union all
    select report_id, report_year, section, "row", col, label, col_label, value, raw
    from fact_appeals
    union all
    select report_id, report_year, section, "row", col, label, col_label, value, raw
    from fact_proactive
),
corrections as (
    select report_id_now as report_id, cell, corrected_value, decision_id, reviewer, made_at,
           note, needs_second_look
    from review_status
    where in_force and action = 'correct'
)
select f.report_id, f.report_year, f.section, f."row", f.col, f.label, f.col_label,
       f.value as published_value, f.raw,
       case when c.decision_id is not null and not c.needs_second_look
            then c.corrected_value else f.value end as value,
       c.decision_id is not null and not c.needs_second_look as corrected,
       coalesce(c.needs_second_look, false) as correction_needs_second_look,
       c.corrected_value, c.decision_id as correction_id, c.reviewer as corrected_by,
       c.made_at as corrected_at, c.note as correction_note, d.generated, d.trust_status
from facts f
join dim_report d using (report_id)
left join corrections c
  on c.report_id = f.report_id and c.cell = f.section || '.' || f."row" || '.' || f.col;
comment on view facts_corrected is 'Every cell of the three fact tables with the published value and, where a reviewer recorded one, the value read on the page: value is the corrected value where a correction attaches as made, else the published one. Choose published_value or value; the fact tables are never changed.';
comment on column facts_corrected.report_id is 'The report (dim_report.report_id).';
comment on column facts_corrected.report_year is 'Report year.';
comment on column facts_corrected.generated is 'True for synthetic pages (dim_report.generated).';
comment on column facts_corrected.trust_status is 'clean | needs_review (dim_report.trust_status).';
comment on column facts_corrected.section is 'proactive | requests | appeals.';
comment on column facts_corrected.row is 'Row code of docs/CONTRACT.md.';
comment on column facts_corrected.col is 'Column code of docs/CONTRACT.md.';
comment on column facts_corrected.label is 'The contract''s Chinese row label.';
comment on column facts_corrected.col_label is 'The contract''s Chinese column label.';
comment on column facts_corrected.published_value is 'The value as published and parsed (the fact table''s value); null = empty cell.';
comment on column facts_corrected.raw is 'The cell text as the page gave it.';
comment on column facts_corrected.value is 'The corrected value where an attached correction exists (null: blank on the page), else the published value.';
comment on column facts_corrected.corrected is 'True when value is a reviewer''s correction.';
comment on column facts_corrected.correction_needs_second_look is 'True when a correction exists but no longer attaches as made (review_status): not applied until a reviewer looks again.';
comment on column facts_corrected.corrected_value is 'The value the reviewer read on the page, when a correction exists.';
comment on column facts_corrected.correction_id is 'The correction (reviews.decision_id).';
comment on column facts_corrected.corrected_by is 'Who recorded the correction.';
comment on column facts_corrected.corrected_at is 'When (UTC).';
comment on column facts_corrected.correction_note is 'Why, in the reviewer''s words.';
