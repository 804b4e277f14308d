"""The example notebook, executed headless with the project's kernel against a gateway."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbclient
import nbformat
import pytest

from gateway_process import ROOT, Gateway

NOTEBOOK = ROOT / "examples" / "clicks_per_window.ipynb"

# (window start in s, user, clicks) for the notebook's CLICKS, by hand: windows are [0,10), [10,20), [20,30).
EXPECTED = [(0, "ada", 3), (0, "bob", 1), (0, "cyd", 1), (10, "ada", 1), (10, "bob", 2), (10, "cyd", 1),
            (20, "ada", 1), (20, "cyd", 3)]


def test_the_notebook_runs_its_windowed_job_and_shows_the_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gateway = Gateway(tmp_path / "gateway", args=("--local-workers", "off"))  # a notebook's subject, not placement (docs/cluster.md)
    try:
        monkeypatch.setenv("PYSTREAM_GATEWAY", gateway.rpc)  # the kernel inherits it
        notebook = nbformat.read(NOTEBOOK, as_version=4)
        nbclient.NotebookClient(notebook, kernel_name="pystream", timeout=180,
                                resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        gateway.stop()

    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert not [o for cell in code for o in cell.outputs if o.output_type == "error"]
    results = next(cell for cell in code if cell.source.rstrip().endswith("results"))
    assert ast.literal_eval(results.outputs[0]["data"]["text/plain"]) == EXPECTED

    html = code[-2].outputs[0]["data"]["text/html"]
    rows = re.findall(r"<tr><td>(\d+)s</td>((?:<td>\d+</td>)+)</tr>", html)
    table = {int(start): [int(n) for n in re.findall(r"<td>(\d+)</td>", cells)] for start, cells in rows}
    assert table == {0: [3, 1, 1], 10: [1, 2, 1], 20: [1, 0, 3]}  # columns ada, bob, cyd
    bars = re.findall(r'<rect class="bar" data-user="(\w+)" data-window="(\d+)" data-clicks="(\d+)"[^>]* height="([\d.]+)"', html)
    assert sorted((int(w), user, int(n)) for user, w, n, _ in bars) == EXPECTED
    unit = float(bars[0][3]) / int(bars[0][2])  # bar heights are proportional to the clicks
    assert all(abs(float(h) - int(n) * unit) < 1e-6 for _, _, n, h in bars)
    # The chart has a labelled y axis (ticks 0..3 clicks), labelled windows on the x axis and a legend of the users.
    assert re.findall(r'class="y-tick"[^>]*>(\d+)<', html) == ["0", "1", "2", "3"]
    assert re.findall(r'class="x-tick"[^>]*>(\d+)s<', html) == ["0", "10", "20"]
    assert re.search(r'class="x-label"[^>]*>window start<', html) and re.search(r'class="y-label"[^>]*>clicks<', html)
    assert re.findall(r'<g class="legend">.*?<text[^>]*>(\w+)</text></g>', html) == ["ada", "bob", "cyd"]

    # The SQL cell: per user, by hand from CLICKS: ada 1000..21000 (5 clicks), bob 2500..12000 (3), cyd 9000..28000 (5).
    printed = "".join(o.get("text", "") for o in code[-1].outputs if o.output_type == "stream")
    assert printed == SQL_TABLE


SQL_TABLE = """\
+--------------------------------+----------------------+-------------+-------------+
|                        user_id |               clicks |    first_ms |     last_ms |
+--------------------------------+----------------------+-------------+-------------+
|                            ada |                    5 |        1000 |       21000 |
|                            bob |                    3 |        2500 |       12000 |
|                            cyd |                    5 |        9000 |       28000 |
+--------------------------------+----------------------+-------------+-------------+
3 rows in set
"""
