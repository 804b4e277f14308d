"""End-to-end: PyFlink scripts through `./pystream run`, output checked against expected files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = Path(__file__).parent / "expected"
SCRIPTS = Path(__file__).parent / "scripts"
TIMEOUT_S = 120


def run(script: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "pystream"), "run", str(script), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=TIMEOUT_S)


def expected(name: str) -> list[str]:
    return (EXPECTED / f"{name}.txt").read_text().splitlines()


@pytest.mark.parametrize("name, script, args, ordered", [
    ("word_count_streaming", ROOT / "examples/word_count.py", [], True),
    ("word_count_batch", ROOT / "examples/word_count.py", ["--batch"], True),
    ("state_types", SCRIPTS / "state_types.py", [], False),
    ("state_types", SCRIPTS / "state_types.py", ["--rocksdb"], False),
    ("side_outputs", SCRIPTS / "side_outputs.py", [], False),
    ("rolling_aggregates", SCRIPTS / "rolling_aggregates.py", [], False),
    ("parallel", SCRIPTS / "parallel.py", [], False),
    ("job_client", SCRIPTS / "job_client.py", [], False),
    ("event_time", SCRIPTS / "event_time.py", [], True),
    ("windows", SCRIPTS / "windows.py", [], False),
    ("connect", SCRIPTS / "connect.py", [], False),
    ("broadcast_state", SCRIPTS / "broadcast_state.py", [], False),
    ("custom_trigger", SCRIPTS / "custom_trigger.py", [], True),
    ("evictors", SCRIPTS / "evictors.py", [], False),
    ("late_data", SCRIPTS / "late_data.py", [], False),
    ("windows_parallel", SCRIPTS / "windows_parallel.py", [], False),
    ("union_and_keys", SCRIPTS / "union_and_keys.py", [], False),
])
def test_script_prints_what_pyflink_prints(name: str, script: Path, args: list[str], ordered: bool) -> None:
    result = run(script, *args)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    want = expected(name)
    assert (lines if ordered else sorted(lines)) == (want if ordered else sorted(want))


def partitioning_lines(stdout: str) -> list[str]:
    """partitioning.py's output, sorted, without the subtask of a rebalanced, shuffled, rescaled
    or forwarded record: that is the engine's choice; broadcast, custom partitioning and the
    subtask tags are not."""
    spread = ("rebalance", "shuffle", "rescale", "forward")
    return sorted(line.split(":")[0] + ">" + line.split(">", 1)[1] if line.startswith(spread) else line
                  for line in stdout.splitlines())


def test_partitionings_send_records_where_flink_would() -> None:
    result = run(SCRIPTS / "partitioning.py")
    assert result.returncode == 0, result.stderr
    assert partitioning_lines(result.stdout) == sorted(expected("partitioning"))


def test_files_round_trip(tmp_path: Path) -> None:
    result = run(SCRIPTS / "files.py", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == expected("files")


def test_user_error_shows_the_users_traceback() -> None:
    result = run(SCRIPTS / "user_error.py")
    assert result.returncode == 1
    err = result.stderr.splitlines()
    assert err[0] == "Traceback (most recent call last):"
    assert err[1] == f'  File "{SCRIPTS / "user_error.py"}", line 7, in parse'
    assert "ValueError: invalid literal for int() with base 10: 'three'" in err
    assert err[-1] == "pystream: job failed: user function in 'Map' failed"
    assert "at PyStream" not in result.stderr  # no .NET stack without --verbose


@pytest.mark.parametrize("source, error, location, operator", [
    ("from pyflink.common import Types\n"
     "from pyflink.datastream import StreamExecutionEnvironment\n"
     "env = StreamExecutionEnvironment.get_execution_environment()\n"
     "ds = env.from_collection([1, 2, 3], Types.INT())\n"
     "ds.map(lambda x: 'abc', output_type=Types.INT()).print()\n"
     "env.execute('typed')\n",
     "TypeError: Map returned 'abc' (str), which does not fit its output_type Integer: "
     "needs an int from -2147483648 to 2147483647",
     '  File "{script}", line 5, in <lambda>', "Map"),
    ("from pyflink.common import Types\n"
     "from pyflink.datastream import StreamExecutionEnvironment\n"
     "from pyflink.datastream.functions import ProcessWindowFunction\n"
     "class Summary(ProcessWindowFunction):\n"
     "    def process(self, key, context, elements):\n"
     "        yield key, str(sum(e[1] for e in elements))\n"
     "env = StreamExecutionEnvironment.get_execution_environment()\n"
     "pairs = Types.TUPLE([Types.STRING(), Types.INT()])\n"
     "ds = env.from_collection([('a', 1), ('a', 2)], pairs)\n"
     "ds.key_by(lambda t: t[0]).count_window(2).process(Summary(), pairs).print()\n"
     "env.execute('typed window')\n",
     "TypeError: Window(Process) returned ('a', '3') (tuple), which does not fit its output_type "
     "TupleTypeInfo(String, Integer): field 1 (Integer) needs an int from -2147483648 to 2147483647, got '3' (str)",
     '  File "{script}", line 5, in process', "Window(Process)"),
])
def test_a_result_that_does_not_fit_its_output_type_fails_at_its_function(
        tmp_path: Path, source: str, error: str, location: str, operator: str) -> None:
    script = tmp_path / "typed.py"
    script.write_text(source)
    result = run(script)
    assert result.returncode == 1
    err = result.stderr.splitlines()
    assert err[err.index(error) + 1] == location.format(script=script)
    assert err[-1] == f"pystream: job failed: user function in '{operator}' failed"
    assert result.stdout == ""  # it failed at the function: nothing reached the sink
    assert "format" not in result.stderr  # not the sink's late '%d format' error


@pytest.mark.parametrize("source, message", [
    ("x = (\n", "SyntaxError: '(' was never closed"),
    ("import no_such_module\n", "ModuleNotFoundError: No module named 'no_such_module'"),
    ("from pyflink.datastream import StreamExecutionEnvironment\n"
     "StreamExecutionEnvironment.get_execution_environment().from_collection([1]).reduce(max)\n",
     "AttributeError: 'DataStream' object has no attribute 'reduce'"),
    ("from pyflink.datastream import StreamExecutionEnvironment\n"
     "StreamExecutionEnvironment.get_execution_environment().get_checkpoint_config().enable_unaligned_checkpoints()\n",
     "NotImplementedError: CheckpointConfig.enable_unaligned_checkpoints: unaligned checkpoints are not supported by PyStream; its checkpoints are always aligned"),
])
def test_bad_scripts_fail_with_one_clear_message(tmp_path: Path, source: str, message: str) -> None:
    script = tmp_path / "bad.py"
    script.write_text(source)
    result = run(script)
    assert result.returncode == 1
    assert message in result.stderr.splitlines()
    assert "at PyStream" not in result.stderr


def test_missing_script_is_reported() -> None:
    result = run(ROOT / "no_such_script.py")
    assert result.returncode == 2
    assert result.stderr.strip() == f"pystream: script '{ROOT / 'no_such_script.py'}' not found"


def test_argv_is_passed_as_python_would(tmp_path: Path) -> None:
    script = tmp_path / "argv.py"
    script.write_text("import sys\nprint(sys.argv)\nprint(__name__)\n")
    result = run(script, "a", "--b", "c d")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [repr([str(script), "a", "--b", "c d"]), "__main__"]


def test_jobs_left_running_when_the_script_ends_are_cancelled(tmp_path: Path) -> None:
    script = tmp_path / "leave.py"
    script.write_text(
        "from pyflink.common import WatermarkStrategy\n"
        "from pyflink.datastream import StreamExecutionEnvironment\n"
        "from pyflink.datastream.connectors.number_seq import NumberSequenceSource\n"
        "env = StreamExecutionEnvironment.get_execution_environment()\n"
        "numbers = env.from_source(NumberSequenceSource(0, 10**12), WatermarkStrategy.no_watermarks(), 'n')\n"
        "numbers.filter(lambda x: x < 0).print()\n"
        "client = env.execute_async('endless')\n"
        "print(client.get_job_status().result())\n")
    result = run(script)  # bounded by the run's timeout: an endless job must not keep the process alive
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["JobStatus.RUNNING"]
