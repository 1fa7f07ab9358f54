-- The contract's catalogue (gx_pipeline/contract.py) as a table: every cell of both format
-- versions with its English and Chinese labels. Refilled from contract.py by ensure_schema, so
-- the catalogue is written once, in code.
create table if not exists contract_cells (
    template      varchar not null,
    section       varchar not null,
    row           varchar not null,
    col           varchar not null,
    row_seq       integer not null,
    col_seq       integer not null,
    row_group     varchar,
    row_label     varchar not null,
    row_label_en  varchar not null,
    col_label     varchar not null,
    col_label_en  varchar not null,
    is_amount     boolean not null,
    primary key (template, section, row, col)
);
comment on table contract_cells is 'The row and column codes of both format versions (docs/CONTRACT.md) with Chinese and English labels; join to a fact table on (template, section, row, col) through dim_report.template.';
comment on column contract_cells.template is 'Format version: 2019 or 2021.';
comment on column contract_cells.section is 'proactive | requests | appeals.';
comment on column contract_cells.row is 'Row code.';
comment on column contract_cells.col is 'Column code.';
comment on column contract_cells.row_seq is 'Position of the row in the template (0-based), for ordering.';
comment on column contract_cells.col_seq is 'Position of the column within the row (0-based).';
comment on column contract_cells.row_group is 'Result group of a requests row (results, withheld, unavailable, not_processed, other) or block of a proactive row (art20_1 …); null otherwise.';
comment on column contract_cells.row_label is 'Chinese row label as printed in the template.';
comment on column contract_cells.row_label_en is 'English row label.';
comment on column contract_cells.col_label is 'Chinese column label.';
comment on column contract_cells.col_label_en is 'English column label.';
comment on column contract_cells.is_amount is 'True for amounts in 万元 (procurement amount, fees) rather than counts.';
