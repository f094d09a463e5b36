"""routing_report.html opened in a real browser (headless Chromium from the OS packages;
`make test` installs it through `make browser`).

The page sets <html data-report="ok"> only when every part rendered and no error fired;
the test reads the DOM Chromium dumps after the scripts ran, its console on stderr, and
saves a screenshot under the test's temp dir. Names are data: a run whose target and symbol
names are HTML, quotes and `</script>` must show them as text, with no element injected and
no alert() called (a probe script the test puts first in a copy of the page records calls).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from training_router.report import embed_json

from conftest import Run, run_router

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--virtual-time-budget=15000"]
PROBE = ("<script>window.alert = function () {"
         " document.documentElement.setAttribute('data-alerted', 'yes'); };</script>")

T_IMG = "<img src=x onerror=alert(1)>"
T_QUOTES = "O'NEIL \"q\" & 株"
S_SCRIPT = "</script>"
S_ONEIL = "O'NEIL"
S_IMG = "<b>bold</b><img src=y onerror=alert(2)>"
S_UNICODE = "株式\u2028会社 'x'"
HOSTILE_TARGETS = (T_IMG, T_QUOTES)
HOSTILE_SYMBOLS = (S_SCRIPT, S_ONEIL, S_IMG, S_UNICODE, "AAPL")


class Dom(HTMLParser):
    """The dumped page: its elements, the text of each target cell and the detail panel."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.root: dict[str, str | None] = {}
        self.target_cells: list[str] = []
        self.detail_h3: list[str] = []
        self._capture: list[str] | None = None
        self._in_detail = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        if tag == "html":
            self.root = found
        if found.get("id") == "detail":
            self._in_detail = True
        if tag == "td" and "data-target" in found:
            self._capture = self.target_cells
            self.target_cells.append("")
        if tag == "h3" and self._in_detail:
            self._capture = self.detail_h3
            self.detail_h3.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "h3"):
            self._capture = None
        if tag == "aside":
            self._in_detail = False

    def handle_data(self, data: str) -> None:
        if self._capture is not None:
            self._capture[-1] += data


def _chromium(args: list[str], url: str) -> subprocess.CompletedProcess[str]:
    assert Path(CHROMIUM).exists(), "chromium is missing: run `make browser` (apt-get install chromium)"
    with tempfile.TemporaryDirectory(prefix="report-profile-") as profile:
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args, url],
                              capture_output=True, text=True, timeout=180, check=False)


def _open(report: Path, tmp: Path, fragment: str = "") -> tuple[Dom, str]:
    """The DOM after the page's scripts ran (on a copy with the alert probe first) and the console lines."""
    probed = tmp / "probed.html"
    probed.write_text(report.read_text(encoding="utf-8").replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")
    done = _chromium(["--enable-logging=stderr", "--v=0", "--dump-dom"], probed.as_uri() + fragment)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = Dom()
    dom.feed(done.stdout)
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return dom, "\n".join(console)


def _screenshot(report: Path, png: Path) -> None:
    done = _chromium([f"--screenshot={png}", "--window-size=1400,1000", "--hide-scrollbars"], report.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def _targets(run: Run) -> set[str]:
    return set(run.routing_plan()["targets"])


def _assert_rendered(dom: Dom, console: str, targets: set[str]) -> None:
    assert dom.root.get("data-report") == "ok", (dom.root, console)
    assert not re.search(r"Uncaught|Error", console), console
    assert set(dom.target_cells) == targets
    assert "data-alerted" not in dom.root
    assert "img" not in dom.tags  # the page draws no <img>: any would be injected


def test_example_report_renders_every_target(example_run: Run, tmp_path: Path) -> None:
    report = example_run.plan_output / "routing_plan" / "routing_report.html"
    dom, console = _open(report, tmp_path)
    _assert_rendered(dom, console, _targets(example_run))
    assert len(dom.target_cells) == 2
    _screenshot(report, tmp_path / "report.png")


def _write(path: Path, doc: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = tmp_path_factory.mktemp("hostile")
    for target in HOSTILE_TARGETS:
        _write(root / "metrics" / target / "target_confidence.json",
               {"score": 0.62, "sample_size": 240000, "stability": "STABLE", "metric_name": "roc_auc"})
        _write(root / "metrics" / target / "model_metadata.json", {
            f"{symbol}:{target}:{family}": {"score": 0.50 + 0.03 * i, "sample_size": 48000, "status": "OK",
                                             "metric_name": "roc_auc"}
            for i, symbol in enumerate(HOSTILE_SYMBOLS) for family in ("lightgbm", "xgboost")
        })
    run = run_router(root / "metrics", root / "METRICS")
    assert run.returncode == 0, run.stderr
    return run


def test_hostile_names_are_shown_as_text(hostile_run: Run, tmp_path: Path) -> None:
    report = hostile_run.plan_output / "routing_plan" / "routing_report.html"
    assert _targets(hostile_run) == set(HOSTILE_TARGETS)
    # the data block is one element: no name closed it early
    assert report.read_text(encoding="utf-8").count("</script>") == 3
    dom, console = _open(report, tmp_path)
    _assert_rendered(dom, console, set(HOSTILE_TARGETS))
    _screenshot(report, tmp_path / "hostile.png")


@pytest.mark.parametrize("symbol", [S_SCRIPT, S_IMG, S_UNICODE])
def test_a_linked_pair_shows_the_hostile_symbol_as_text(hostile_run: Run, tmp_path: Path, symbol: str) -> None:
    report = hostile_run.plan_output / "routing_plan" / "routing_report.html"
    fragment = "#" + urllib.parse.urlencode({"target": T_IMG, "symbol": symbol}, quote_via=urllib.parse.quote)
    dom, console = _open(report, tmp_path, fragment)
    _assert_rendered(dom, console, {T_IMG})
    assert dom.detail_h3 == [symbol]


def test_embedded_json_has_no_markup_characters_and_round_trips() -> None:
    document = {"names": [T_IMG, S_SCRIPT, S_UNICODE, "a\u2029b", "&amp;", "<!--"], "n": 1}
    text = embed_json(document)
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(text) == document
