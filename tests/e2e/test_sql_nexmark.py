"""End-to-end: Nexmark q1 as SQL through ./pystream run, on the nexmark connector with Flink Nexmark's DDL.

3,000 events at 1,000 events/s of event time from 2023-11-14 22:13:20 UTC: 60 epochs of 50 events
(1 person, 3 auctions, 46 bids), so 2,760 bids. The expected values come from the model, stated here
in plain Python: event n is a bid when n mod 50 >= 4 and happens at base + n ms; its auction is the
hot one (the first of the last block of 100 auctions) or one of the last 101 generated, up to 10 ahead;
its bidder likewise among the people; q1's price is 0.908 times a whole number of cents from $1 to
$1,000,000, with 3 decimals.
"""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from gateway_process import ROOT

SCRIPT = Path(__file__).parent / "scripts" / "sql_nexmark_q1.py"
TIMEOUT_S = 180
BASE = datetime.fromtimestamp(1_700_000_000, tz=timezone.utc).replace(tzinfo=None)


def test_nexmark_q1_gives_one_row_per_bid_with_the_model_s_ids_times_and_prices() -> None:
    run = subprocess.run([str(ROOT / "pystream"), "run", str(SCRIPT)], cwd=ROOT, capture_output=True, text=True,
                         timeout=TIMEOUT_S)
    assert run.returncode == 0, run.stderr
    rows = [line.split(" ") for line in run.stdout.splitlines()]

    bids = [n for n in range(3000) if n % 50 >= 4]
    assert len(rows) == len(bids) == 2760
    for n, (auction, bidder, price, date_time, extra_length) in zip(bids, rows):
        assert date_time == (BASE + timedelta(milliseconds=n)).isoformat(timespec="milliseconds")
        epoch = n // 50
        last_auction = epoch * 3 + 2           # base-0 id of the last auction generated before bid n
        last_person = epoch                    # base-0 id of the last person
        hot_auction = last_auction // 100 * 100
        assert int(auction) - 1000 == hot_auction or max(last_auction - 100, 0) <= int(auction) - 1000 <= last_auction + 10
        hot_bidder = last_person // 100 * 100 + 1
        assert int(bidder) - 1000 == hot_bidder or max(last_person + 1 - 1000, 0) <= int(bidder) - 1000 <= last_person + 10
        cents = Decimal(price) / Decimal("0.908")
        assert len(price.split(".")[1]) == 3 and cents == cents.to_integral_value() and 100 <= cents <= 100_000_000
        # extra pads the bid's 32 bytes of numbers to 100 on average: 68 ± 20 % (rounded), so 54 to 81 characters.
        assert 54 <= int(extra_length) <= 81
    assert len({row[0] for row in rows}) > 10      # not all on the hot auction
