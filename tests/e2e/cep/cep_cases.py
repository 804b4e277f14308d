"""The CEP end-to-end cases' inputs, shared by the job (cep_cases_job.py) and the test's model.

An event is (id, timestamp in ms); its id's first letter is its kind. Every case is one key.
"""

from __future__ import annotations


def spaced(ids: str, step: int = 1000) -> list[tuple[str, int]]:
    """Events one ``step`` apart, from timestamp ``step``."""
    return [(e, (i + 1) * step) for i, e in enumerate(ids.split())]


# Flink's documentation examples (the contiguity section): "C D A1 A2 A3 D A4 B".
DOC_LOOP = "c1 d1 a1 a2 a3 d2 a4 b1"

# Skip strategies on a -> b -> c (relaxed): every partial match still waiting when a match
# completes started after it, so matches leave in the order they complete.
SKIPS = "a1 a2 b1 a3 c1 b2 c2"

EVENTS: dict[str, list[tuple[str, int]]] = {
    "strict": spaced("a1 b1 a2 x1 b2 a3 b3 b4"),
    "relaxed": spaced("a1 b1 a2 x1 b2 a3 b3 b4"),
    "any": spaced("a1 b1 a2 x1 b2 a3 b3 b4"),
    "loop_relaxed": spaced(DOC_LOOP),
    "loop_consecutive": spaced(DOC_LOOP),
    "loop_combinations": spaced(DOC_LOOP),
    "times_range": spaced("a1 a2 x1 a3 a4 b1"),
    "optional": spaced("a1 b1 c1 a2 c2 a3 x1 b2 b3 c3"),
    "skip_no_skip": spaced(SKIPS),
    "skip_to_next": spaced(SKIPS),
    "skip_past_last": spaced(SKIPS),
    "skip_to_first": spaced(SKIPS),
    "skip_to_last": spaced(SKIPS),
    "within_first_last": [("a1", 1000), ("b1", 4000), ("a2", 5000), ("b2", 11000), ("a3", 12000), ("b3", 13000)],
    "within_previous": [("a1", 1000), ("b1", 3000), ("c1", 5500), ("a2", 10000), ("b2", 11000), ("c2", 14000)],
    # a -> b (within 3 s of a) -> c (within 3 s of b), all within 5 s: each window ends a partial match once.
    "within_mixed": [("a1", 1000), ("b1", 2500), ("c1", 4000), ("a2", 10000), ("b2", 13500), ("a3", 20000), ("b3", 21000),
                     ("c3", 24500), ("a4", 30000), ("b4", 32500), ("c4", 34900), ("a5", 40000), ("b5", 42500), ("c5", 45200),
                     ("a6", 50000), ("b6", 51000)],
    # b.times(3, 1.5 s): the count's window bounds the gaps before the first and second b, not before the third.
    "times_window": [("a1", 1000), ("b1", 2000), ("b2", 3000), ("b3", 6000), ("a2", 7000), ("b4", 8000), ("b5", 10000)],
    "iterative": [("a1", 1000), ("a2", 2000), ("b1", 3000), ("a3", 4000), ("b2", 5000), ("b3", 6000)],
    "group": spaced("a1 b1 a2 b2 x1 a3 b3 a4 b4 c1"),
    "not_next": spaced("a1 b1 a2 x1 b2 a3 c1 b3"),
    "not_followed_by": spaced("a1 c1 b1 a2 x1 b2 a3 b3"),
    "until": spaced("a1 a2 s1 a3 b1"),
}

# Values of the iterative case: a b must be worth more than the average of the a's before it.
VALUES = {"a1": 10, "a2": 20, "b1": 12, "a3": 30, "b2": 25, "b3": 19}

# The login example of issue 15: three failures in a row, then a success, within 10 s.
LOGINS: list[tuple[str, str, int]] = [
    ("alice", "fail", 1000), ("alice", "fail", 2000), ("alice", "fail", 3000), ("alice", "ok", 4000),
    ("bob", "fail", 1000), ("bob", "fail", 2000), ("bob", "ok", 3000),
    ("carol", "fail", 1000), ("carol", "fail", 2000), ("carol", "fail", 3000), ("carol", "ok", 20000),
    ("dave", "fail", 1000), ("dave", "fail", 2000), ("dave", "fail", 3000), ("dave", "fail", 4000), ("dave", "ok", 5000),
]


def tied_readings() -> list[tuple[str, str, int, int]]:
    """(key, kind, timestamp, sequence number) in arrival order: per key, groups of three events
    sharing a timestamp, their kinds a, b, c shuffled (seeded) within each group."""
    import random
    shuffle = random.Random(15).shuffle
    events = []
    for group in range(30):
        for key in ("x", "y"):
            kinds = ["a", "b", "c"]
            shuffle(kinds)
            events.extend((key, kind, group * 10, len(events)) for kind in kinds)
    return events
