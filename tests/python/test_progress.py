"""Progress on stderr: a live bar on a terminal, plain lines in logs, nothing with --quiet;
the summary always on stdout. dbt's output is streamed line by line while it runs."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from training_router.dbt_runner import _stream
from training_router.progress import PlainReporter, Reporter, RichReporter, reporter_for

from conftest import EXAMPLE, Run, run_router

FINAL_LINE = re.compile(r"^\[ROUTER\] 10 decision\(s\), \d+ job\(s\); plan \w+ written to ")
ESCAPE = "\x1b"


def _run_on_terminal(out: Path) -> tuple[int, str, str]:
    """The CLI with stderr on a pseudo-terminal (as in an interactive shell) and stdout on a pipe."""
    master, slave = pty.openpty()
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1764000000", "TERM": "xterm-256color", "COLUMNS": "120"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "training_router", "--output-dir", str(EXAMPLE), "--plan-output", str(out)],
        cwd=out.parent, env=env, stdout=subprocess.PIPE, stderr=slave,
    )
    os.close(slave)
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    stdout, _ = process.communicate()
    reader.join()
    os.close(master)
    return process.returncode, stdout.decode(), b"".join(chunks).decode(errors="replace")


def test_terminal_run_draws_progress_on_stderr_and_prints_the_summary_on_stdout(tmp_path: Path) -> None:
    returncode, stdout, stderr = _run_on_terminal(tmp_path / "METRICS")
    assert returncode == 0, stderr
    assert ESCAPE not in stdout
    assert FINAL_LINE.match(stdout.splitlines()[-1]), stdout
    assert "AAPL" in stdout  # the per-symbol summary stays on stdout
    assert ESCAPE in stderr  # drawn, not printed as lines
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", stderr)
    assert "discovering inputs: 2 target(s), 19 input file(s) found" in text
    done = re.search(r"dbt build: every input file is read — (\d+) of (\d+) done", text)
    assert done and done.group(1) == done.group(2) and int(done.group(2)) > 50, text
    for phase in ("exporting the plans", "publishing"):
        assert phase in text
    assert "decision(s)" not in text and "→" not in text  # the summary stays off stderr


def test_log_run_prints_plain_phase_lines_on_stderr(example_run: Run) -> None:
    assert ESCAPE not in example_run.stderr and "\r" not in example_run.stderr
    assert all(line.startswith("[ROUTER] ") for line in example_run.stderr.splitlines())
    lines = [line for line in example_run.stderr.splitlines() if re.match(r"\[ROUTER\] +\d+\.\ds ", line)]
    text = "\n".join(lines)
    for expected in ("discovering inputs", "2 target(s), 19 input file(s) found", "dbt build: every input file is read",
                     "exporting the plans", "publishing"):
        assert expected in text, text
    done = re.search(r"dbt: (\d+) of (\d+) models, seeds and tests done", text)
    assert done and done.group(1) == done.group(2), text
    assert len(lines) <= 8  # a few phase lines, not one per dbt node
    assert FINAL_LINE.match(example_run.stdout.splitlines()[-1])


def test_quiet_prints_only_the_final_line(tmp_path: Path) -> None:
    run = run_router(EXAMPLE, tmp_path / "METRICS", "--quiet")
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert len(run.stdout.splitlines()) == 1 and FINAL_LINE.match(run.stdout), run.stdout


DBT_LINES = """\
12:00:00  Running with dbt=1.11.16
12:00:01  Found 60 models, 1 seed, 52 data tests, 4 sources, 1 unit test
12:00:02  1 of 3 START seed file main.reason_codes ................................ [RUN]
12:00:02  1 of 3 OK loaded seed file main.reason_codes ............................ [INSERT 17 in 0.1s]
12:00:02  2 of 3 START sql table model main.stg_metrics__leakage .................. [RUN]
12:00:03  2 of 3 ERROR creating sql table model main.stg_metrics__leakage ......... [ERROR in 0.2s]
12:00:03  3 of 3 SKIP test not_null_routing_plan_route ............................ [SKIP]
12:00:03  Done. PASS=1 WARN=0 ERROR=1 SKIP=1 NO-OP=0 TOTAL=3
"""


class _Recorder(Reporter):
    def __init__(self) -> None:
        super().__init__()
        self.done: list[tuple[int, int, str]] = []

    def node_done(self, name: str) -> None:
        self.done.append((self.dbt_done, self.dbt_total, name))


def test_dbt_node_lines_are_counted_whatever_their_outcome() -> None:
    recorder = _Recorder()
    for line in DBT_LINES.splitlines():
        recorder.dbt_output(line)
    assert recorder.done == [(1, 3, "reason_codes"), (2, 3, "stg_metrics__leakage"),
                             (3, 3, "not_null_routing_plan_route")]


def test_plain_reporter_writes_lines_without_escapes() -> None:
    stream = io.StringIO()
    with PlainReporter(stream) as progress:
        progress.phase("dbt build", "inputs unchanged, re-routing")
        for line in DBT_LINES.splitlines():
            progress.dbt_output(line)
        progress.phase("publishing")
    lines = stream.getvalue().splitlines()
    assert [line.split("s ", 1)[1] for line in lines] == [
        "dbt build: inputs unchanged, re-routing", "dbt: 3 of 3 models, seeds and tests done", "publishing"]


def test_reporter_choice_follows_quiet_and_the_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert type(reporter_for(quiet=True, stream=Terminal())) is Reporter
    assert type(reporter_for(quiet=False, stream=io.StringIO())) is PlainReporter
    terminal = reporter_for(quiet=False, stream=Terminal())
    assert isinstance(terminal, RichReporter)
    terminal.close()


CHILD = """
import pathlib, sys, time
print("first", flush=True)
flag = pathlib.Path(sys.argv[1])
while not flag.exists():
    time.sleep(0.01)
print("second", flush=True)
sys.exit(7)
"""


def _started(argv: list[str], cwd: Path) -> subprocess.Popen[str]:
    """A child as dbt_runner starts dbt's: stderr merged into stdout, text."""
    return subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_dbt_output_is_streamed_while_the_child_runs(tmp_path: Path) -> None:
    """The child prints a line, then waits for a flag that only the line's callback creates:
    without line-by-line streaming this would never finish."""
    flag = tmp_path / "flag"
    seen: list[str] = []

    def on_output(line: str) -> None:
        seen.append(line)
        flag.touch()

    returncode, output = _stream(_started([sys.executable, "-c", CHILD, str(flag)], tmp_path), on_output)
    assert returncode == 7
    assert seen == ["first\n", "second\n"] and output == "first\nsecond\n"


def test_a_failing_progress_callback_kills_the_child(tmp_path: Path) -> None:
    """An error while reading (e.g. Ctrl-C) must not leave dbt running: the child here
    would wait forever for a flag nobody creates."""
    pid_file = tmp_path / "pid"
    child = "import os, pathlib, sys, time\n" \
            f"pathlib.Path({str(pid_file)!r}).write_text(str(os.getpid()))\n" + CHILD

    def on_output(line: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _stream(_started([sys.executable, "-c", child, str(tmp_path / "never")], tmp_path), on_output)
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # reaped: gone, not a zombie


def test_project_hooks_are_not_counted_as_nodes() -> None:
    """dbt numbers its on-run-start hooks apart ("1 of 1 OK hook: ..."): counting them gave
    "129 of 128 done" on the example."""
    recorder = _Recorder()
    hook_lines = (
        "12:00:01  1 of 1 START hook: training_router.on-run-start.0 ............ [RUN]\n"
        "12:00:01  1 of 1 OK hook: training_router.on-run-start.0 ............... [OK in 0.01s]\n"
    )
    for line in (hook_lines + DBT_LINES).splitlines():
        recorder.dbt_output(line)
    assert recorder.done == [(1, 3, "reason_codes"), (2, 3, "stg_metrics__leakage"),
                             (3, 3, "not_null_routing_plan_route")]
