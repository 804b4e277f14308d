"""End-to-end: event-time temporal joins (`JOIN rates FOR SYSTEM_TIME AS OF o.order_time`) against a
versioned table (a primary key and a watermark), inner and left, against a plain-Python model: each
order joins the version of its currency valid at the order's time (the rate with the latest
update time at or before it), once the watermark passes the order. Flink's documented currency
example with its rows, seeded random orders and rate changes read at parallelism 2, and rates read
from an upsert-kafka topic (a changelog: each update a new version)."""

from __future__ import annotations

import datetime
import json
import random
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sql_e2e import run_statements  # noqa: E402
from test_kafka import MockBroker  # noqa: E402

BASE = datetime.datetime(2024, 1, 1, 12, 0, 0)
DELAY_S = 15


def stamp(ms: int) -> str:
    return (BASE + datetime.timedelta(milliseconds=ms)).isoformat(" ", "milliseconds")


def at(ms: int) -> tuple[str, str]:
    return ("datetime", str(BASE + datetime.timedelta(milliseconds=ms)))


def tables(orders: list[tuple[str, str, str, int]], rates: list[tuple[str, str, int]], directory: Path) -> list[str]:
    """orders (order_id, price, currency, ms) and rates (currency, rate, ms) as csv tables; rates keyed by currency."""
    (directory / "orders.csv").write_text("".join(f"{o},{p},{c},{stamp(t)}\n" for o, p, c, t in orders))
    (directory / "rates.csv").write_text("".join(f"{c},{r},{stamp(t)}\n" for c, r, t in rates))
    return [
        f"CREATE TEMPORARY TABLE orders (order_id STRING, price DECIMAL(32, 2), currency STRING, order_time TIMESTAMP(3), "
        f"WATERMARK FOR order_time AS order_time - INTERVAL '{DELAY_S}' SECOND) "
        f"WITH ('connector' = 'filesystem', 'path' = '{directory / 'orders.csv'}', 'format' = 'csv')",
        f"CREATE TEMPORARY TABLE currency_rates (currency STRING, conversion_rate DECIMAL(32, 2), update_time TIMESTAMP(3), "
        f"WATERMARK FOR update_time AS update_time - INTERVAL '{DELAY_S}' SECOND, PRIMARY KEY (currency) NOT ENFORCED) "
        f"WITH ('connector' = 'filesystem', 'path' = '{directory / 'rates.csv'}', 'format' = 'csv')",
    ]


def temporal_join(orders, rates, left: bool) -> Counter:
    """Each order with the rate of its currency whose update time is the latest at or before the order's
    (the last one given for one time); a LEFT join keeps an order without one, with NULLs."""
    out: Counter = Counter()
    for order_id, price, currency, t in orders:
        valid = [(u, i, r) for i, (c, r, u) in enumerate(rates) if c == currency and u <= t]
        if valid:
            out[(order_id, Decimal(price), currency, Decimal(max(valid)[2]), at(t))] += 1
        elif left:
            out[(order_id, Decimal(price), currency, None, at(t))] += 1
    return out


QUERY = ("SELECT order_id, price, orders.currency, conversion_rate, order_time FROM orders "
         "{join} JOIN currency_rates FOR SYSTEM_TIME AS OF orders.order_time "
         "ON orders.currency = currency_rates.currency")


def appended(result) -> Counter:
    rows = result.ok()
    assert {kind for kind, _ in rows} == {"+I"}, "a temporal join of an append-only table is append-only"
    return Counter(values for _, values in rows)


@pytest.mark.parametrize("join", ["LEFT", "INNER"])
def test_flinks_documented_currency_example(tmp_path: Path, join: str) -> None:
    # Flink's example: o_001 at 12:00 sees EUR at 1.14, o_002 at 12:06 sees the 12:05 update to 1.10;
    # an order before any rate of its currency (o_003, YEN) joins nothing.
    rates = [("EUR", "1.14", -10 * 60_000), ("USD", "1.00", -10 * 60_000), ("EUR", "1.10", 5 * 60_000), ("YEN", "0.62", 8 * 60_000)]
    orders = [("o_001", "11.11", "EUR", 0), ("o_002", "12.51", "EUR", 6 * 60_000), ("o_003", "7.00", "YEN", 7 * 60_000)]
    results = run_statements(tmp_path, "streaming", [*tables(orders, rates, tmp_path), QUERY.format(join=join)],
                             config={"parallelism.default": "1"}, name=f"doc-{join}")
    expected = temporal_join(orders, rates, left=join == "LEFT")
    assert expected[("o_001", Decimal("11.11"), "EUR", Decimal("1.14"), at(0))] == 1
    assert expected[("o_002", Decimal("12.51"), "EUR", Decimal("1.10"), at(6 * 60_000))] == 1
    assert appended(results[2]) == expected


def test_random_orders_join_the_rate_valid_at_their_time(tmp_path: Path) -> None:
    """Orders and rate changes out of order by less than the watermark delay, so which version an
    order sees does not depend on how the two sources interleave."""
    rng = random.Random(99)
    currencies = ["EUR", "USD", "GBP", "CHF", "JPY"]
    rates, orders, time = [], [], 0
    for i in range(400):
        time += rng.randint(0, 10_000)
        t = time - rng.randint(0, DELAY_S * 1000 - 1000)
        if rng.random() < 0.3:
            rates.append((rng.choice(currencies[:4]), f"{rng.randint(50, 200) / 100:.2f}", t))
        else:
            orders.append((f"o{i}", f"{rng.randint(100, 9999) / 100:.2f}", rng.choice(currencies), t))
    statements = [*tables(orders, rates, tmp_path), QUERY.format(join="LEFT"), QUERY.format(join="INNER")]
    results = run_statements(tmp_path, "streaming", statements,
                             config={"parallelism.default": "2", "pipeline.auto-watermark-interval": "0"}, name="random")
    left = temporal_join(orders, rates, left=True)
    inner = temporal_join(orders, rates, left=False)
    assert sum(inner.values()) > 150 and sum(left.values()) > sum(inner.values()), "most orders find a rate, some not"
    assert appended(results[2]) == left
    assert appended(results[3]) == inner


def test_an_upsert_kafka_topic_is_a_versioned_table(tmp_path: Path) -> None:
    """Rates written to an upsert-kafka topic keyed by currency: the changelog read back (+I, then
    -U/+U per update) gives a version per update; each order joins the one valid at its time."""
    rates = [("EUR", "1.14", 0), ("USD", "1.00", 1_000), ("EUR", "1.10", 300_000), ("USD", "0.98", 290_000),
             ("EUR", "1.12", 600_000), ("GBP", "0.85", 650_000)]
    orders = [("o1", "10.00", "EUR", 100_000), ("o2", "20.00", "USD", 295_000), ("o3", "30.00", "EUR", 300_000),
              ("o4", "40.00", "EUR", 599_999), ("o5", "50.00", "GBP", 640_000), ("o6", "60.00", "EUR", 700_000)]
    broker = MockBroker("rates:1")
    try:
        subprocess.run(["kcat", "-P", "-b", broker.bootstrap, "-t", "rates", "-K", "|"],
                       input="".join(f"{c}|{json.dumps({'conversion_rate': r, 'update_time': stamp(t)})}\n" for c, r, t in rates),
                       text=True, check=True, timeout=60)
        order_table = tables(orders, [], tmp_path)[0]
        rate_table = (f"CREATE TABLE currency_rates (currency STRING, conversion_rate DECIMAL(32, 2), update_time TIMESTAMP(3), "
                      f"WATERMARK FOR update_time AS update_time - INTERVAL '{DELAY_S}' SECOND, PRIMARY KEY (currency) NOT ENFORCED) "
                      f"WITH ('connector' = 'upsert-kafka', 'topic' = 'rates', 'properties.bootstrap.servers' = '{broker.bootstrap}', "
                      f"'key.format' = 'raw', 'value.format' = 'json', 'value.fields-include' = 'EXCEPT_KEY', "
                      f"'scan.bounded.mode' = 'latest-offset')")
        results = run_statements(tmp_path, "streaming", [order_table, rate_table, QUERY.format(join="LEFT")],
                                 config={"parallelism.default": "2"}, name="upsert")
    finally:
        broker.stop()
    expected = temporal_join(orders, rates, left=True)
    assert expected[("o4", Decimal("40.00"), "EUR", Decimal("1.10"), at(599_999))] == 1
    assert expected[("o5", Decimal("50.00"), "GBP", None, at(640_000))] == 1
    assert appended(results[2]) == expected


def test_a_deduplicating_view_is_a_versioned_table(tmp_path: Path) -> None:
    """Flink's versioned view: an append-only rates history without a primary key, kept last per
    currency by ROW_NUMBER() over its update time; the view's key is its partition key. The
    deduplication passes on a rate only when its time is not before the kept one's (a late one
    is dropped there), and each passed rate is a version of its currency."""
    rng = random.Random(5)  # a seed where dropped rates change what 3 orders join
    currencies = ["EUR", "USD", "GBP"]
    rates, orders, time = [], [], 0
    for i in range(240):
        time += rng.randint(0, 10_000)
        t = time - rng.randint(0, DELAY_S * 1000 - 1000)
        if rng.random() < 0.35:
            rates.append((rng.choice(currencies), f"{rng.randint(50, 200) / 100:.2f}", t))
        else:
            orders.append((f"o{i}", f"{rng.randint(100, 9999) / 100:.2f}", rng.choice(currencies), t))
    kept: dict[str, int] = {}
    versions = []
    for currency, rate, t in rates:  # the deduplication, in arrival order
        if t >= kept.get(currency, t):
            kept[currency] = t
            versions.append((currency, rate, t))
    assert len(versions) < len(rates), "some rates come after a later one of their currency and are dropped"
    order_table, history = tables(orders, rates, tmp_path)
    history = history.replace("currency_rates", "rates_history").replace(", PRIMARY KEY (currency) NOT ENFORCED", "")
    view = ("CREATE TEMPORARY VIEW currency_rates AS SELECT currency, conversion_rate, update_time FROM ("
            "SELECT *, ROW_NUMBER() OVER (PARTITION BY currency ORDER BY update_time DESC) AS row_num FROM rates_history) "
            "WHERE row_num = 1")
    results = run_statements(tmp_path, "streaming", [order_table, history, view, QUERY.format(join="LEFT")],
                             config={"parallelism.default": "2", "pipeline.auto-watermark-interval": "0"}, name="view")
    expected = temporal_join(orders, versions, left=True)
    assert expected != temporal_join(orders, rates, left=True)
    assert appended(results[3]) == expected
