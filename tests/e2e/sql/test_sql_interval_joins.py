"""End-to-end: interval joins (a join on equal keys and time bounds between two rowtime attributes)
through ``./pystream run`` at parallelism 2, over seeded random orders and shipments in CSV files
with watermarks, in streaming and batch mode (where the watermark comes only at the end).

Each file's rows are out of order by less than its watermark's delay, so no row is ever behind the
watermark at the join, and nothing is cleaned up before every row that can match it came: the result
is then what the join condition means, whatever order the two inputs meet in. The expected rows come
from a plain-Python model (nested loops over the rows, the bounds written out) and from SQLite running
the same join on the same rows (times as milliseconds). Rows that come late, and exactly when state is
cleaned, are covered by the operator's xunit tests, where the watermark is placed exactly."""

from __future__ import annotations

import datetime
import random
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from sql_e2e import run_statements

BASE = datetime.datetime(2024, 1, 1, 10, 0, 0)
DELAY_MS = 3_000
JITTER_MS = 2_000


def data(seed: int) -> tuple[list[tuple[int, int, int]], list[tuple[int, int]]]:
    """Orders (id, amount, time ms) one every 0-3 s; shipments (order id, time ms) 0-2 per order at -3..8 s
    from it (some outside the 0..4 s bounds), and a few for orders that do not exist."""
    rng = random.Random(seed)
    orders, shipments, time = [], [], 10_000
    for order_id in range(1, 61):
        time += rng.randint(0, 3_000)
        orders.append((order_id, rng.randint(1, 99), time))
        for _ in range(rng.choice([0, 1, 1, 2])):
            shipments.append((order_id, time + rng.randint(-3_000, 8_000)))
        if rng.random() < 0.1:
            shipments.append((1000 + order_id, time))
    return orders, shipments


def jittered(rows: list[tuple], rng: random.Random) -> list[tuple]:
    """The rows in time order, each moved behind rows up to JITTER_MS later (less than the watermark delay)."""
    return sorted(rows, key=lambda r: r[-1] + rng.randint(0, JITTER_MS))


def at(ms: int) -> str:
    return (BASE + datetime.timedelta(milliseconds=ms)).isoformat(" ", "milliseconds")


def tables(tmp_path: Path, orders, shipments) -> list[str]:
    rng = random.Random(7)
    (tmp_path / "orders.csv").write_text("".join(f"{i},{a},{at(t)}\n" for i, a, t in jittered(orders, rng)))
    (tmp_path / "shipments.csv").write_text("".join(f"{i},{at(t)}\n" for i, t in jittered(shipments, rng)))
    watermark = f"WATERMARK FOR ts AS ts - INTERVAL '{DELAY_MS // 1000}' SECOND"
    return [
        f"CREATE TEMPORARY TABLE orders (id INT, amount INT, ts TIMESTAMP(3), {watermark}) "
        f"WITH ('connector' = 'filesystem', 'path' = '{tmp_path / 'orders.csv'}', 'format' = 'csv')",
        f"CREATE TEMPORARY TABLE shipments (order_id INT, ts TIMESTAMP(3), {watermark}) "
        f"WITH ('connector' = 'filesystem', 'path' = '{tmp_path / 'shipments.csv'}', 'format' = 'csv')",
    ]


BOUNDS = "s.ts BETWEEN o.ts AND o.ts + INTERVAL '4' SECOND"
QUERIES = {
    "INNER": f"SELECT o.id, o.amount, o.ts, s.ts FROM orders o JOIN shipments s ON o.id = s.order_id AND {BOUNDS}",
    "LEFT": f"SELECT o.id, o.amount, o.ts, s.ts FROM orders o LEFT JOIN shipments s ON o.id = s.order_id AND {BOUNDS}",
    "RIGHT": f"SELECT o.id, s.order_id, s.ts FROM orders o RIGHT JOIN shipments s ON o.id = s.order_id AND {BOUNDS}",
    "comma": "SELECT o.id, s.ts FROM orders o, shipments s WHERE o.id = s.order_id AND s.ts >= o.ts - INTERVAL '2' SECOND AND s.ts < o.ts",
}


# Nexmark q7's shape: each 10 s window's largest amount joined back to the orders of that amount in the 10 s up to
# its end. A regular join (window_end is not a time attribute), whose orders go once no window still to fire can
# match them (stateRetention, by the window side's watermark); a window's end itself is in the bounds.
WINDOW_MAX = ("SELECT o.id, o.amount, o.ts, m.e FROM orders o JOIN (SELECT MAX(amount) AS top, window_end AS e FROM "
              "TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end) m "
              "ON o.amount = m.top WHERE o.ts BETWEEN m.e - INTERVAL '10' SECOND AND m.e")


def window_max_model(orders) -> Counter:
    """Each 10 s window's (from BASE, a whole minute) largest amount, then every order of it whose time is within 10 s up to the end."""
    tops: dict[int, int] = {}
    for _, amount, time in orders:
        end = time // 10_000 * 10_000 + 10_000
        tops[end] = max(tops.get(end, 0), amount)
    return Counter((i, amount, at(time), at(end)) for end, top in tops.items() for i, amount, time in orders
                   if amount == top and end - 10_000 <= time <= end)


def model(orders, shipments) -> dict[str, Counter]:
    """The joins by nested loops: a shipment matches an order of its id shipped 0..4 s after it (comma: -2..0 s, 0 excluded)."""
    def pairs(low, high, strict_high=False):
        return [(o, s) for o in orders for s in shipments
                if o[0] == s[0] and o[2] + low <= s[1] and (s[1] < o[2] + high if strict_high else s[1] <= o[2] + high)]

    matched = pairs(0, 4_000)
    inner = Counter((o[0], o[1], at(o[2]), at(s[1])) for o, s in matched)
    left = inner + Counter((o[0], o[1], at(o[2]), None) for o in orders if not any(m[0] == o for m in matched))
    right = Counter((o[0], s[0], at(s[1])) for o, s in matched) + Counter(
        (None, s[0], at(s[1])) for s in shipments if not any(m[1] == s for m in matched))
    comma = Counter((o[0], at(s[1])) for o, s in pairs(-2_000, 0, strict_high=True))
    return {"INNER": inner, "LEFT": left, "RIGHT": right, "comma": comma}


def sqlite(orders, shipments, query: str) -> Counter:
    """The same join in SQLite, times as milliseconds (INTERVAL written as + 4000), shown as the timestamps."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE orders (id INT, amount INT, ts INT)")
    db.execute("CREATE TABLE shipments (order_id INT, ts INT)")
    db.executemany("INSERT INTO orders VALUES (?, ?, ?)", orders)
    db.executemany("INSERT INTO shipments VALUES (?, ?)", shipments)
    text = query.replace("INTERVAL '4' SECOND", "4000").replace("INTERVAL '2' SECOND", "2000")
    ts_columns = {i for i, column in enumerate(text.split(" FROM ")[0].split(",")) if column.strip().endswith(".ts")}
    return Counter(tuple(at(v) if i in ts_columns and v is not None else v for i, v in enumerate(row)) for row in db.execute(text))


def shown(rows) -> Counter:
    """Rows as collected: timestamps as (datetime, text); shown as the text in the model's form."""
    return Counter(tuple(v[1][:23] if isinstance(v, tuple) else v for v in values) for _, values in rows)


@pytest.fixture(scope="module", params=["streaming", "batch"])
def run(tmp_path_factory, request):
    tmp_path = tmp_path_factory.mktemp("interval")
    orders, shipments = data(seed=15)
    names = list(QUERIES) + ["windowed", "explain", "window max", "explain window max"]
    statements = tables(tmp_path, orders, shipments) + list(QUERIES.values()) + [
        f"CREATE TEMPORARY VIEW shipped AS SELECT o.id, o.ts AS order_time, s.ts AS ship_time FROM orders o JOIN shipments s ON o.id = s.order_id AND {BOUNDS}",
        "SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE shipped, DESCRIPTOR(order_time), INTERVAL '10' SECOND)) GROUP BY window_start, window_end",
        f"EXPLAIN {QUERIES['LEFT']}",
        WINDOW_MAX,
        f"EXPLAIN {WINDOW_MAX}",
    ]
    results = run_statements(tmp_path, request.param, statements, config={"parallelism.default": "2"})
    outcome = dict(zip(list(QUERIES) + ["view"] + names[len(QUERIES):], results[2:]), mode=request.param)
    return orders, shipments, outcome


@pytest.mark.parametrize("name", list(QUERIES))
def test_an_interval_join_is_append_only_and_means_its_condition(run, name):
    orders, shipments, outcome = run
    rows = outcome[name].ok()
    assert {kind for kind, _ in rows} == {"+I"}
    expected = model(orders, shipments)[name]
    assert expected == sqlite(orders, shipments, QUERIES[name])
    assert shown(rows) == expected


def test_the_output_keeps_its_rowtime_for_a_window_after_it(run):
    orders, shipments, outcome = run
    counts = Counter()
    for (order_id, _, order_time, _), n in model(orders, shipments)["INNER"].items():
        since = datetime.datetime.fromisoformat(order_time) - BASE
        counts[BASE + since // datetime.timedelta(seconds=10) * datetime.timedelta(seconds=10)] += n
    rows = outcome["windowed"].ok()
    assert {kind for kind, _ in rows} == {"+I"}
    assert Counter({datetime.datetime.fromisoformat(v[0][1]): v[1] for _, v in rows}) == counts


def test_explain_shows_the_interval_join(run):
    _, _, outcome = run
    text = outcome["explain"].ok()[0][1][0]
    assert "IntervalJoin(joinType=[LeftOuterJoin], windowBounds=[isRowTime=true, leftLowerBound=-4000, leftUpperBound=0" in text


def test_a_window_maximum_joined_back_drops_the_orders_by_its_watermark_and_means_its_condition(run):
    orders, _, outcome = run
    rows = outcome["window max"].ok()
    assert {kind for kind, _ in rows} == {"+I"}
    expected = window_max_model(orders)
    assert len(expected) > 5
    # (a whole second's text has no fraction: shown through datetime)
    assert Counter(tuple(datetime.datetime.fromisoformat(v).isoformat(" ", "milliseconds") if i >= 2 else v for i, v in enumerate(row))
                   for row, n in shown(rows).items() for _ in range(n)) == expected
    text = outcome["explain window max"].ok()[0][1][0]
    assert "Join(joinType=[InnerJoin]" in text
    # Streaming: the orders go by the window side's watermark; batch mode joins at the end of input and drops nothing.
    retention = "stateRetention=[left rows expire when every later window_end of right > ts + 10000]"
    assert (retention in text) == (outcome["mode"] == "streaming")
