"""`./pystream --help` lists the commands; `./pystream help COMMAND` (or `COMMAND --help`) gives a
command's options: those its parser accepts (engine/PyStream.Cli, the gateway's options,
python/pystream/cli.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

OPTIONS = {
    "run": ["--verbose", "-s, --fromSavepoint PATH", "-n, --allowNonRestoredState", "SCRIPT.py [ARGS...]"],
    "gateway": ["--host ADDRESS", "--port PORT", "--rpc-port PORT", "--data DIR", "--address-file FILE",
                "--upload-timeout DURATION", "--cluster", "--heartbeat-interval DURATION", "--heartbeat-timeout DURATION",
                "--local-workers auto|N|off", "--local-worker-spares N", "PYSTREAM_TOKEN"],
    "worker": ["--coordinator HOST:PORT", "--slots N", "--host ADDRESS", "--data-port PORT", "--advertised-host HOST",
               "--instance-id ID", "--owner-pid PID", "PYSTREAM_TOKEN"],
    "list": ["PYSTREAM_GATEWAY", "PYSTREAM_TOKEN"],
    "cancel": ["JOB_ID", "--wait", "PYSTREAM_GATEWAY", "PYSTREAM_TOKEN"],
    "savepoint": ["JOB_ID [DIR]", "--stop", "--drain", "A relative DIR is\nresolved in the current directory",
                  "PYSTREAM_GATEWAY"],
    "kafka-mock": ["--brokers N", "TOPIC[:PARTITIONS]"],
    "test": ["PYTEST ARGS"],
    "bench": [],
    "setup": [],
}


def pystream(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "pystream"), *args], cwd=ROOT, capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("flag", ["--help", "-h", "help"])
def test_help_lists_every_command(flag: str) -> None:
    result = pystream(flag)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "usage: ./pystream COMMAND [ARGS...]"
    listed = [line.split()[0] for line in lines[lines.index("Commands:") + 1:]]
    assert sorted(listed) == sorted([*OPTIONS, "help"])


@pytest.mark.parametrize("command", list(OPTIONS))
def test_help_for_a_command_gives_its_usage_and_options(command: str) -> None:
    by_help = pystream("help", command)
    assert by_help.returncode == 0, by_help.stderr
    assert by_help.stdout.splitlines()[0].startswith(f"usage: ./pystream {command}")
    for option in OPTIONS[command]:
        assert option in by_help.stdout, option
    assert pystream(command, "--help").stdout == by_help.stdout


def test_an_unknown_command_says_so_and_lists_the_commands() -> None:
    result = pystream("frobnicate")
    assert result.returncode == 2
    assert result.stderr.splitlines()[:2] == ["pystream: no command 'frobnicate'", "usage: ./pystream COMMAND [ARGS...]"]
    unknown_help = pystream("help", "frobnicate")
    assert unknown_help.returncode == 2
    assert unknown_help.stderr.strip() == "pystream: no command 'frobnicate'; ./pystream --help lists them"


def test_a_scripts_own_help_flag_still_reaches_the_script(tmp_path: Path) -> None:
    script = tmp_path / "flags.py"
    script.write_text("import sys\nprint(sys.argv[1:])\n")
    result = pystream("run", str(script), "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["['--help']"]
