"""`gx review`: a local web application on the warehouse where a person decides on every flag.

Starlette (the ASGI toolkit dagster-webserver itself runs on, served by uvicorn) with Jinja2
templates; no script at all in its pages. Routes:

    GET  /                      the queue of flagged reports (filters: year, region, flag,
                                trust status, review status), and decisions needing a second look
    GET  /report/{id}?flag=KEY  one report: its archived page with the flag's cells highlighted,
                                the parsed tables, the identity's rows, the decision forms
    GET  /page/{id}?flag=KEY    the archived page itself, made safe (gx_pipeline.review.render),
                                for the sandboxed frame of the report screen
    POST /decide                record a decision (confirm, dismiss, correct) in the log

Untrusted input everywhere: agency names and page text are escaped by Jinja2's autoescape,
archived pages are rendered by render.page_document and shown only in a sandboxed frame, every
response carries a Content-Security-Policy, a POST must come from the application's own pages
(Origin or Sec-Fetch-Site, and a token), and the Host header must name the address the
application listens on (no DNS rebinding). It listens on 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from gx_pipeline.diskspace import DiskFull
from gx_pipeline.parsing.locate import page_view
from gx_pipeline.review import render
from gx_pipeline.review.log import ACTIONS, CORRECT, ReviewLog, ReviewLogError, new_decision
from gx_pipeline.review.queue import (
    Filters,
    ReviewData,
    ReviewDataError,
    cells_seen,
    identity_terms,
    locs_of,
    parse_flag_key,
)

HERE = Path(__file__).parent
#: the application's own pages: its style sheet, frames of its own page documents, forms to itself
APP_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
APP_HEADERS = {
    "Content-Security-Policy": APP_CSP,
    "X-Content-Type-Options": "nosniff",
    # not no-referrer: with it Chromium sends a form's POST with "Origin: null", and the origin
    # is what tells the application's own forms from another site's
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
STATUSES = ("open", "confirmed", "dismissed", "second_look")


@dataclass(frozen=True)
class Settings:
    database: Path
    log: Path
    raw_dir: Path
    archive_dir: Path
    reviewer: str = ""
    #: host names the Host header may carry (the address listened on)
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "::1", "[::1]")


def _number(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    return f"{f:g}"


def create_app(settings: Settings) -> Starlette:
    data = ReviewData(
        settings.database, ReviewLog(settings.log), settings.raw_dir, settings.archive_dir
    )
    #: a POST must carry it: a page elsewhere cannot read it from ours
    token = secrets.token_urlsafe(24)
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.filters["num"] = _number
    env.globals["urlencode"] = urlencode

    def page(name: str, http_status: int = 200, **values: object) -> HTMLResponse:
        body = env.get_template(name).render(token=token, **values)
        return HTMLResponse(body, status_code=http_status, headers=APP_HEADERS)

    def problem(message: str, status: int) -> HTMLResponse:
        return page("error.html", http_status=status, message=message)

    def queue(request: Request) -> Response:
        q = request.query_params
        try:
            year = int(q["year"]) if q.get("year") else None
        except ValueError:
            return problem(f"year {q.get('year')!r} is not a year", 400)
        status = q.get("status", "open")
        filters = Filters(
            year=year,
            region=q.get("region") or None,
            flag=q.get("flag") or None,
            trust=q.get("trust") or None,
            status=status if status in STATUSES else None,
        )
        try:
            rows = data.queue(filters)
            choices = data.choices()
            counts = data.counts()
            second = data.second_look()
        except (ReviewDataError, ReviewLogError) as err:
            return problem(str(err), 503)
        totals = counts.groupby("review_status")["flags"].sum().to_dict() if len(counts) else {}
        return page(
            "queue.html",
            rows=rows.to_dict("records"),
            filters=filters,
            status=status,
            choices=choices,
            statuses=STATUSES,
            totals=totals,
            counts=counts.to_dict("records"),
            second=second.to_dict("records"),
        )

    def _report_context(report_id: str, key: str | None) -> dict:
        report = data.report(report_id)
        if report is None:
            raise LookupError(report_id)
        facts = data.facts(report_id)
        flags = data.flags(report_id, facts, report)
        selected = next((f for f in flags if f.key == key), None)
        if selected is None and key is None and flags:
            selected = next((f for f in flags if f.review_status == "open"), flags[0])
        return {"report": report, "facts": facts, "flags": flags, "selected": selected}

    def report_screen(request: Request) -> Response:
        report_id = request.path_params["report_id"]
        key = request.query_params.get("flag")
        try:
            ctx = _report_context(report_id, key)
        except LookupError:
            return problem(f"no report {report_id} in the warehouse", 404)
        except (ReviewDataError, ReviewLogError) as err:
            return problem(str(err), 503)
        report, facts, selected = ctx["report"], ctx["facts"], ctx["selected"]
        marked = set(selected.cells) if selected else set()
        sections = []
        for section, rows in facts.groupby("section", sort=False):
            table: dict[str, dict] = {}
            columns: dict[str, str] = {}
            for r in rows.itertuples(index=False):
                key_ = f"{r.section}.{r.row}.{r.col}"
                columns.setdefault(r.col, r.col_label)
                entry = table.setdefault(r.row, {"label": r.label, "cells": {}})
                entry["cells"][r.col] = {
                    "key": key_,
                    "value": r.value,
                    "raw": r.raw,
                    "marked": key_ in marked,
                }
            sections.append({"section": section, "columns": columns, "rows": table})
        terms = []
        if selected is not None and selected.kind == "tally":
            terms = identity_terms(report, facts, selected.flag, selected.subject)
        left = sum(t["value"] or 0 for t in terms if t["side"] == "left")
        right = sum(t["value"] or 0 for t in terms if t["side"] == "right")
        problems_lines = list(report.get("problems") or [])
        return page(
            "report.html",
            report=report,
            flags=ctx["flags"],
            selected=selected,
            sections=sections,
            terms=terms,
            left=left,
            right=right,
            problems=problems_lines,
            history=data.history(report_id).to_dict("records"),
            reviewer=settings.reviewer,
            actions=ACTIONS,
            cell_options=[
                (f"{r.section}.{r.row}.{r.col}", r.label, r.col_label, r.value)
                for r in facts.itertuples(index=False)
            ],
            marked=sorted(marked),
        )

    def page_document(request: Request) -> Response:
        report_id = request.path_params["report_id"]
        key = request.query_params.get("flag")
        try:
            ctx = _report_context(report_id, key)
        except LookupError:
            return Response("no such report", 404, headers=render.PAGE_HEADERS)
        except (ReviewDataError, ReviewLogError) as err:
            return Response(str(err), 503, headers=render.PAGE_HEADERS)
        report, facts, selected = ctx["report"], ctx["facts"], ctx["selected"]
        raw = data.raw_bytes(report)
        if raw is None:
            text = (
                "<!DOCTYPE html><meta charset=utf-8><p>The archived page with this report's "
                "bytes is not at hand (neither under data/raw/ nor in the fetch archive).</p>"
            )
            return HTMLResponse(text, headers=render.PAGE_HEADERS)
        view = page_view(raw, str(report["source"]))
        keys = selected.cells if selected else ()
        html_locs, lines = locs_of(facts, keys)
        document = render.page_document(view, html_locs, lines)
        return HTMLResponse(document, headers=render.PAGE_HEADERS)

    async def decide(request: Request) -> Response:
        origin = request.headers.get("origin")
        site = request.headers.get("sec-fetch-site")
        own = f"{request.url.scheme}://{request.headers.get('host', '')}"
        if (origin is not None and origin != own) or (site not in (None, "same-origin")):
            return problem("a decision can only be made from this application's own pages", 403)
        form = {k: v[-1] for k, v in parse_qs((await request.body()).decode("utf-8")).items()}
        if not secrets.compare_digest(form.get("token", ""), token):
            return problem("the form is out of date: open the report again", 403)
        report_id = form.get("report_id", "")
        key = form.get("flag", "")
        action = form.get("action", "")
        try:
            ctx = _report_context(report_id, key or None)
        except LookupError:
            return problem(f"no report {report_id} in the warehouse", 404)
        except (ReviewDataError, ReviewLogError) as err:
            return problem(str(err), 503)
        report, facts, selected = ctx["report"], ctx["facts"], ctx["selected"]
        kind, flag, subject = parse_flag_key(key) if key else ("", "", "")
        try:
            if action == CORRECT:
                cell = form.get("cell", "")
                value_text = form.get("value", "").strip()
                corrected = None if value_text in ("", "blank") else float(value_text)
                keys = (cell,)
            else:
                if selected is None or selected.key != key:
                    raise ReviewLogError(f"the report has no flag {key!r} now")
                cell, corrected, keys = None, None, selected.cells
            decision = new_decision(
                reviewer=form.get("reviewer", "").strip(),
                action=action,
                note=form.get("note", "").strip(),
                report_id=report_id,
                raw_sha256=str(report["raw_sha256"]),
                report_year=int(report["report_year"]),
                source=str(report["source"]),
                parser_version=str(report["parser_version"]),
                kind=kind or "trust",
                flag=flag,
                subject=subject,
                cell=cell,
                corrected_value=corrected,
                cells=cells_seen(facts, keys),
            )
            data.log.append(decision)
        except ValueError as err:  # ReviewLogError, or a value that is no number
            return problem(f"not recorded: {err}", 400)
        except DiskFull as err:
            return problem(f"not recorded: {err}", 507)
        query = urlencode({"flag": key}) if key else ""
        return RedirectResponse(f"/report/{report_id}?{query}", status_code=303)

    routes = [
        Route("/", queue),
        Route("/report/{report_id:str}", report_screen),
        Route("/page/{report_id:str}", page_document),
        Route("/decide", decide, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))]
    return Starlette(routes=routes, middleware=middleware)
