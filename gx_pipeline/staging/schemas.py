"""pandera models: the shape each warehouse table's frame must have before it is written.

Codes come from gx_pipeline.contract, so a code the contract lacks fails validation. A report
whose rows fail goes to quarantine (stage "validate"); the rest of the year is still loaded.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pandera.pandas as pa
from pandera import dtypes
from pandera.engines import pandas_engine
from pandera.typing import Series

from gx_pipeline import contract, documents, regions, tally, trust
from gx_pipeline.agencies import figures
from gx_pipeline.parsing import narrative


@pandas_engine.Engine.register_dtype
@dtypes.immutable(init=True)
class Text(pandas_engine.STRING):
    """A text column (pandas' `str`, held in Arrow): what `Series[str]` means, with the dtype
    checked as a dtype. Handed the column, pandera's own check answers with one bool a row and
    then formats an empty table of failure cases into a message for every text column of every
    batch, passed or not (~0.2 ms a page of the year's validation). A column of another dtype
    (object, numbers) is checked by pandera's own rule, row by row, as before."""

    storage: str = "pyarrow"

    def check(self, pandera_dtype: dtypes.DataType, data_container: object = None) -> object:
        if isinstance(pandera_dtype, pandas_engine.STRING) and pandera_dtype.type == self.type:
            return True
        return super().check(pandera_dtype, data_container)


_SHA256 = r"^[0-9a-f]{64}$"
_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


def _fact_model(section_code: str) -> type[pa.DataFrameModel]:
    row_codes, col_codes = contract.all_codes(section_code)

    class Fact(pa.DataFrameModel):
        report_id: Series[Text] = pa.Field(str_length=16)
        report_year: Series[int] = pa.Field(ge=2019)
        section: Series[Text] = pa.Field(isin=[section_code])
        row: Series[Text] = pa.Field(isin=sorted(row_codes))
        col: Series[Text] = pa.Field(isin=sorted(col_codes))
        label: Series[Text] = pa.Field(str_length={"min_value": 1})
        col_label: Series[Text]
        value: Series[float] = pa.Field(nullable=True)
        raw: Series[Text] = pa.Field(nullable=True)
        source_table: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
        source_tr: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
        source_td: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)

        @pa.dataframe_check
        def counts_are_not_negative(cls, df: pd.DataFrame) -> Series[bool]:
            """Only 本年增/减 (`change`) may be negative."""
            return df["value"].isna() | (df["value"] >= 0) | df["col"].isin(contract.SIGNED_COLUMNS)

        class Config:
            strict = True
            unique = ["report_id", "row", "col"]  # noqa: RUF012 (pandera reads a list)

    Fact.__name__ = f"{section_code.capitalize()}Facts"
    return Fact


RequestsFacts = _fact_model("requests")
AppealsFacts = _fact_model("appeals")
ProactiveFacts = _fact_model("proactive")


class ReportDim(pa.DataFrameModel):
    report_id: Series[Text] = pa.Field(str_length=16, unique=True)
    report_year: Series[int] = pa.Field(ge=2019)
    stated_year: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=2000, le=2100)
    agency: Series[Text] = pa.Field(nullable=True)
    province: Series[Text] = pa.Field(nullable=True)
    city: Series[Text] = pa.Field(nullable=True)
    county: Series[Text] = pa.Field(nullable=True)
    division_code: Series[Text] = pa.Field(nullable=True, str_matches=r"^\d{6}$")
    admin_level: Series[Text] = pa.Field(nullable=True, isin=list(regions.LEVELS))
    published: Series[Text] = pa.Field(nullable=True, str_matches=_ISO_DATE)
    template: Series[Text] = pa.Field(nullable=True, isin=list(contract.TEMPLATES))
    source: Series[Text] = pa.Field(unique=True)
    raw_sha256: Series[Text] = pa.Field(str_matches=_SHA256)
    size: Series[int] = pa.Field(ge=0)
    generated: Series[bool]
    parser_version: Series[Text]
    cell_count: Series[int] = pa.Field(ge=1)
    problems: Series[Text]
    problem_count: Series[int] = pa.Field(ge=0)
    incomplete_sections: Series[Text]
    trust_status: Series[Text] = pa.Field(isin=list(trust.STATUSES))
    trust_reasons: Series[Text]
    tally_passed: Series[int] = pa.Field(ge=0)
    tally_failed: Series[int] = pa.Field(ge=0)
    tally_not_assessable: Series[int] = pa.Field(ge=0)
    content_fingerprint: Series[Text] = pa.Field(nullable=True, str_length=16)
    document_kind: Series[Text] = pa.Field(isin=list(documents.KINDS))
    address: Series[Text] = pa.Field(nullable=True)
    page_address: Series[Text] = pa.Field(nullable=True)
    region_source: Series[Text] = pa.Field(nullable=True, isin=list(regions.SOURCES))
    organ: Series[Text] = pa.Field(nullable=True)
    organ_key: Series[Text] = pa.Field(nullable=True)
    site_address: Series[Text] = pa.Field(nullable=True, str_matches=r"^https?://")
    site_host: Series[Text] = pa.Field(nullable=True)
    site_code: Series[Text] = pa.Field(nullable=True, str_length=10)
    #: written by the agencies rebuild after the load, never staged
    agency_id: Series[Text] = pa.Field(nullable=True)
    agency_match: Series[Text] = pa.Field(nullable=True)
    #: of tally_passed, the identities that read a cell absent from the page
    tally_passed_absent: Series[int] = pa.Field(ge=0)
    #: the requests rows whose 总计 counts a column the template lacks (JSON list)
    total_counts_left_out: Series[Text]

    @pa.dataframe_check
    def agency_is_not_staged(cls, df: pd.DataFrame) -> Series[bool]:
        return df["agency_id"].isna() & df["agency_match"].isna()

    @pa.dataframe_check
    def clean_means_no_reasons(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["trust_status"] == trust.CLEAN) == (df["trust_reasons"] == "[]")

    @pa.dataframe_check
    def a_failing_identity_needs_review(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["tally_failed"] == 0) | (df["trust_status"] == trust.NEEDS_REVIEW)

    class Config:
        strict = True


class ReportText(pa.DataFrameModel):
    report_id: Series[Text] = pa.Field(str_length=16)
    report_year: Series[int] = pa.Field(ge=2019)
    section: Series[Text] = pa.Field(isin=[*narrative.SECTIONS, narrative.PREAMBLE])
    text: Series[Text] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True
        unique = ["report_id", "section"]  # noqa: RUF012


class NarrativeFigures(pa.DataFrameModel):
    report_id: Series[Text] = pa.Field(str_length=16)
    report_year: Series[int] = pa.Field(ge=2019)
    section: Series[Text] = pa.Field(isin=[*narrative.SECTIONS, narrative.PREAMBLE])
    sentence_no: Series[int] = pa.Field(ge=1)
    occurrence: Series[int] = pa.Field(ge=1)
    sentence: Series[Text] = pa.Field(str_length={"min_value": 1})
    figure: Series[Text] = pa.Field(isin=list(figures.FIGURES))
    stated: Series[float] = pa.Field(ge=0)
    cells: Series[Text]
    table_value: Series[float] = pa.Field(nullable=True)
    status: Series[Text] = pa.Field(isin=list(figures.STATUSES))
    note: Series[Text]

    class Config:
        strict = True
        unique = ["report_id", "section", "sentence_no", "figure", "occurrence"]  # noqa: RUF012


class Quarantine(pa.DataFrameModel):
    report_year: Series[int] = pa.Field(ge=2019)
    source: Series[Text] = pa.Field(unique=True)
    #: null for an entry that was not read (a FIFO, a socket, a link out of data/raw ...)
    raw_sha256: Series[Text] = pa.Field(nullable=True, str_matches=_SHA256)
    size: Series[int] = pa.Field(ge=0)
    stage: Series[Text] = pa.Field(isin=["inventory", "parse", "validate", "load"])
    reason: Series[Text] = pa.Field(str_length={"min_value": 1})
    #: a synthetic page (RawFile.generated): the per-year counts keep it apart from real pages
    generated: Series[bool]

    class Config:
        strict = True


class TallyResults(pa.DataFrameModel):
    report_id: Series[Text] = pa.Field(str_length=16)
    report_year: Series[int] = pa.Field(ge=2019)
    identity: Series[Text] = pa.Field(isin=sorted(contract.IDENTITIES))
    subject: Series[Text]
    left_value: Series[float]
    right_value: Series[float]
    difference: Series[float]
    status: Series[Text] = pa.Field(isin=list(contract.TALLY_STATUSES))
    absent_cells: Series[int] = pa.Field(ge=0)
    reason: Series[Text] = pa.Field(nullable=True, isin=[tally.OUTSIDE_TEMPLATE])

    class Config:
        strict = True
        coerce = True  # DuckDB's result types (int32 year, empty frames) to the model's
        unique = ["report_id", "identity", "subject"]  # noqa: RUF012


#: the model of each per-report table, by warehouse table name
REPORT_TABLE_MODELS: dict[str, type[pa.DataFrameModel]] = {
    "dim_report": ReportDim,
    "fact_requests": RequestsFacts,
    "fact_appeals": AppealsFacts,
    "fact_proactive": ProactiveFacts,
    "tally_results": TallyResults,
    "report_text": ReportText,
    "narrative_figures": NarrativeFigures,
}


def validate_year_frames(frames: dict[str, pd.DataFrame], year: int) -> dict[str, pd.DataFrame]:
    """Validate a batch of a year's frames; move every report whose rows fail to quarantine.

    The quarantine row keeps what the page was (source, sha256, size) and every failure, so a
    researcher can see why the report is not in the fact tables.
    """
    failures: dict[str, list[str]] = {}
    out = dict(frames)
    for table, model in REPORT_TABLE_MODELS.items():
        failed, checked = _check(model, frames[table])
        for rid, messages in failed.items():
            failures.setdefault(rid, []).extend(f"{table}: {m}" for m in messages)
        if checked is not None and not _same_dtypes(checked, frames[table]):
            # passed, but coerced (tally_results: DuckDB's int32 year): the coerced frame,
            # not the frame read (which Stage.write_checked would link as it is on disk)
            out[table] = checked
    if failures:
        dim = frames["dim_report"]
        bad = dim[dim["report_id"].isin(failures)]
        moved = pd.DataFrame(
            {
                "report_year": year,
                "source": bad["source"],
                "raw_sha256": bad["raw_sha256"],
                "size": bad["size"],
                "stage": "validate",
                "reason": ["; ".join(failures[rid]) for rid in bad["report_id"]],
                "generated": bad["generated"],
            }
        ).astype(frames["quarantine"].dtypes.to_dict())
        for table in REPORT_TABLE_MODELS:
            df = frames[table]
            out[table] = df[~df["report_id"].isin(failures)].reset_index(drop=True)
        out["quarantine"] = pd.concat([frames["quarantine"], moved], ignore_index=True)
    # what remains must pass as a whole; a failure here is a bug, so let it fail the step. A
    # frame that failing_reports passed whole is not validated twice (for 500 pages' rows that
    # costs as much as loading them)
    for table, model in REPORT_TABLE_MODELS.items():
        if failures or frames[table].empty:
            out[table] = model.validate(out[table], lazy=True)
    out["quarantine"] = Quarantine.validate(out["quarantine"], lazy=True)
    return out


#: parts (batches of pages) validate_parts checks as one frame per table
CHECKED_TOGETHER = 4


def validate_parts(
    parts: Sequence[dict[str, pd.DataFrame]], year: int
) -> list[dict[str, pd.DataFrame]]:
    """validate_year_frames of each of `parts` (a few batches of a year, in order), the models'
    checks made once over the parts together where they all pass as they are.

    Most of a batch's validation is pandera's cost per check, not per row: ~100 column and
    frame checks a batch, each the same whether it holds 500 pages' rows or 2,000 (0.077 ->
    0.045 ms a page with four batches checked together). Parts that pass together pass one by
    one (a row's checks look at its row; a key unique over all the parts is unique in each),
    and are what validate_year_frames gives them: the frames themselves. Where the parts do
    not pass together as they are (a report failing, a table the check coerces, a part whose
    columns or dtypes differ from the others', a column held as object), each is validated on
    its own as before: the reports quarantined and their reasons are those of its own check.
    """
    if len(parts) > 1 and _pass_together(parts):
        return [dict(frames) for frames in parts]
    return [validate_year_frames(frames, year) for frames in parts]


def _pass_together(parts: Sequence[dict[str, pd.DataFrame]]) -> bool:
    models = {**REPORT_TABLE_MODELS, "quarantine": Quarantine}
    if any(set(frames) != set(models) for frames in parts):
        return False
    for table, model in models.items():
        first = parts[0][table]
        if not all(_same_dtypes(frames[table], first) for frames in parts[1:]):
            return False
        if (first.dtypes == object).any():
            # pandera checks a text column held as object by its values, and refuses one
            # with no values: a part without rows fails alone whatever the group holds
            return False
        together = pd.concat([frames[table] for frames in parts], ignore_index=True)
        try:
            checked = model.validate(together, lazy=True)
        except pa.errors.SchemaErrors:
            return False
        if not _same_dtypes(checked, first):
            return False
    return True


def _same_dtypes(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    return list(a.columns) == list(b.columns) and list(a.dtypes) == list(b.dtypes)


def failing_reports(model: type[pa.DataFrameModel], df: pd.DataFrame) -> dict[str, list[str]]:
    """Validate `df` lazily; return {report_id: [failure descriptions]} for rows that fail.

    Failure cases that name no row (a missing column, a wrong dtype) cannot be pinned on one
    report, so each report's rows are then validated on their own.
    """
    return _check(model, df)[0]


def _check(
    model: type[pa.DataFrameModel], df: pd.DataFrame
) -> tuple[dict[str, list[str]], pd.DataFrame | None]:
    """failing_reports' answer, and the frame the model returned when `df` passed whole (None
    when it did not, or is empty)."""
    if df.empty:
        return {}, None
    try:
        return {}, model.validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
    if cases["index"].isna().any():
        out: dict[str, list[str]] = {}
        for rid, part in df.groupby("report_id", sort=False):
            try:
                model.validate(part, lazy=True)
            except pa.errors.SchemaErrors as err:
                out[str(rid)] = _describe(err.failure_cases, part)
        return out, None
    out = {}
    for rec in cases.itertuples(index=False):
        rid = str(df.loc[rec.index, "report_id"])
        out.setdefault(rid, []).append(_describe_one(rec, df))
    return {rid: sorted(set(msgs)) for rid, msgs in out.items()}, None


def _describe_one(rec, df: pd.DataFrame) -> str:
    if rec.schema_context == "Column":
        return f"{rec.column}: {rec.check} (got {rec.failure_case!r})"
    where = ""
    if pd.notna(rec.index) and {"row", "col"} <= set(df.columns):
        where = f" at {df.loc[rec.index, 'row']}/{df.loc[rec.index, 'col']}"
    return f"{rec.check}{where}"


def _describe(cases: pd.DataFrame, df: pd.DataFrame) -> list[str]:
    return sorted({_describe_one(rec, df) for rec in cases.itertuples(index=False)})
