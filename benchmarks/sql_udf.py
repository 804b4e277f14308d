"""SQL with one Python scalar function: datagen (a BIGINT sequence) -> f(id) -> blackhole, vs plain CPython.

``f`` is ``x * 2 + 1``. The query runs at two sizes and the rate comes from the difference
(start-up and job set-up cancel out), next to plain CPython calling the same function over the
same values in a function-local loop, in this same process. Prints rows/s and the ratio, by wall
time and by the process's CPU time (every thread: the job's task, its JIT and GC, and Python),
which other load on the machine does not inflate.

    ./pystream run benchmarks/sql_udf.py [SMALL LARGE]
"""

import sys
import time

from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.udf import udf


def twice_plus_one(x):
    return x * 2 + 1


def engine_seconds(count: int) -> tuple[float, float]:
    t_env = TableEnvironment.create(EnvironmentSettings.in_batch_mode())
    t_env.get_config().set("parallelism.default", "1")
    t_env.create_temporary_function("twice_plus_one", udf(twice_plus_one, result_type=DataTypes.BIGINT()))
    t_env.execute_sql(f"""CREATE TABLE numbers (id BIGINT) WITH ('connector' = 'datagen',
        'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '{count}',
        'rows-per-second' = '1000000000000')""")
    t_env.execute_sql("CREATE TABLE sink (y BIGINT) WITH ('connector' = 'blackhole')")
    started, cpu = time.perf_counter(), time.process_time()
    t_env.execute_sql("INSERT INTO sink SELECT twice_plus_one(id) FROM numbers").wait()
    return time.perf_counter() - started, time.process_time() - cpu


def cpython_seconds(count: int) -> tuple[float, float]:
    # A careful user's loop: inside a function, the function a local, each result kept as the query keeps it.
    started, cpu = time.perf_counter(), time.process_time()
    f = twice_plus_one
    last = 0
    for n in range(1, count + 1):
        last = f(n)
    elapsed = time.perf_counter() - started, time.process_time() - cpu
    assert last == count * 2 + 1
    return elapsed


def rates(seconds, small: int, large: int) -> tuple[float, float]:
    """Rows per second of wall time and of CPU time, from the difference of two sizes."""
    (wall_small, cpu_small), (wall_large, cpu_large) = seconds(small), seconds(large)
    return (large - small) / (wall_large - wall_small), (large - small) / (cpu_large - cpu_small)


def best(measure, small: int, large: int, runs: int = 3) -> tuple[float, float]:
    measured = [rates(measure, small, large) for _ in range(runs)]
    return max(wall for wall, _ in measured), max(cpu for _, cpu in measured)


def main() -> None:
    small, large = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (1_000_000, 5_000_000)
    engine_seconds(small)  # warm-up: JIT, imports
    engine, engine_cpu = best(engine_seconds, small, large)
    cpython, cpython_cpu = best(cpython_seconds, small, large)
    print(f"workload: SELECT f(id) FROM datagen sequence INTO blackhole, f = x * 2 + 1 (BIGINT), BATCH, parallelism 1, "
          f"sizes {small:,} and {large:,}")
    print(f"engine : {engine / 1e6:6.2f} M rows/s wall, {engine_cpu / 1e6:6.2f} M rows per CPU-second")
    print(f"cpython: {cpython / 1e6:6.2f} M calls/s wall, {cpython_cpu / 1e6:6.2f} M calls per CPU-second "
          "(the same function over the same values, function-local loop, same process)")
    print(f"ratio  : {engine / cpython:6.2f}x wall, {engine_cpu / cpython_cpu:6.2f}x CPU (goal >= 0.5x)")


if __name__ == "__main__":
    main()
