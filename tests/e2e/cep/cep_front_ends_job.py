"""The same patterns through both front ends of the CEP engine, in one script.

Reads ``k,id,kind,ts_ms`` lines from the file named by argv[1] (per key in timestamp order);
prints every match as ``<front end>|<case>|k,a,b_first,b_last,b_count,c`` from a Python CEP
DataStream job and from one SQL MATCH_RECOGNIZE query per case (UNION ALL), both in event time.
"""

import sys

from pyflink.cep import CEP, AfterMatchSkipStrategy, Pattern
from pyflink.common import Duration, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.table import EnvironmentSettings, TableEnvironment


def kind(k):
    return lambda e: e[2] == k


def a(skip):
    return Pattern.begin("a", skip).where(kind("a"))


# case -> (Python pattern, SQL PATTERN ... clause, SQL AFTER MATCH clause), written to mean the same:
# a PATTERN's concatenation is next(), its loops consecutive() and greedy unless reluctant.
CASES = {
    "abc_past_last": (lambda: a(AfterMatchSkipStrategy.skip_past_last_event()).next("b").where(kind("b")).next("c").where(kind("c")),
                      "PATTERN (A B C)", "SKIP PAST LAST ROW"),
    "ab_plus_c_to_next": (lambda: a(AfterMatchSkipStrategy.skip_to_next()).next("b").where(kind("b")).one_or_more().consecutive()
                          .greedy().next("c").where(kind("c")), "PATTERN (A B+ C)", "SKIP TO NEXT ROW"),
    "ab_optional_c_past_last": (lambda: a(AfterMatchSkipStrategy.skip_past_last_event()).next("b").where(kind("b")).optional()
                                .next("c").where(kind("c")), "PATTERN (A B? C)", "SKIP PAST LAST ROW"),
    "ab_1_3_c_to_first_b": (lambda: a(AfterMatchSkipStrategy.skip_to_first("b")).next("b").where(kind("b")).times(1, 3).consecutive()
                            .greedy().next("c").where(kind("c")), "PATTERN (A B{1,3} C)", "SKIP TO FIRST B"),
    "ab_star_reluctant_c_to_last_b": (lambda: a(AfterMatchSkipStrategy.skip_to_last("b")).next("b").where(kind("b")).one_or_more()
                                      .optional().consecutive().next("c").where(kind("c")), "PATTERN (A B*? C)", "SKIP TO LAST B"),
    "abc_within_2s": (lambda: a(AfterMatchSkipStrategy.skip_past_last_event()).next("b").where(kind("b")).next("c").where(kind("c"))
                      .within(Duration.of_seconds(2)), "PATTERN (A B C) WITHIN INTERVAL '2' SECOND", "SKIP PAST LAST ROW"),
}


def shown(case, match):
    bs = match.get("b", [])
    first, last = (bs[0][1], bs[-1][1]) if bs else ("", "")
    return f"py|{case}|{match['a'][0][0]},{match['a'][0][1]},{first},{last},{len(bs)},{match['c'][0][1]}"


class At(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[3]


def python_matches(events):
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)
    stream = env.from_collection(events).assign_timestamps_and_watermarks(
        WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(At()))
    keyed = stream.key_by(lambda e: e[0])
    for case, (pattern, _, _) in CASES.items():
        CEP.pattern(keyed, pattern()).select(lambda m, case=case: shown(case, m)).print()
    env.execute("cep front ends: python")


def sql_matches(path):
    t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    t_env.get_config().set("parallelism.default", "1")
    t_env.execute_sql(f"""CREATE TABLE events (k STRING, id BIGINT, kind STRING, ms BIGINT, ts AS TO_TIMESTAMP_LTZ(ms, 3),
        WATERMARK FOR ts AS ts) WITH ('connector' = 'filesystem', 'path' = '{path}', 'format' = 'csv')""")
    queries = [f"""SELECT 'sql|{case}|' || k || ',' || CAST(a AS STRING) || ',' || COALESCE(CAST(b_first AS STRING), '') || ','
        || COALESCE(CAST(b_last AS STRING), '') || ',' || CAST(b_count AS STRING) || ',' || CAST(c AS STRING) AS line
        FROM events MATCH_RECOGNIZE (PARTITION BY k ORDER BY ts
            MEASURES A.id AS a, FIRST(B.id) AS b_first, LAST(B.id) AS b_last, COUNT(B.id) AS b_count, C.id AS c
            ONE ROW PER MATCH AFTER MATCH {skip} {pattern}
            DEFINE A AS A.kind = 'a', B AS B.kind = 'b', C AS C.kind = 'c')"""
               for case, (_, pattern, skip) in CASES.items()]
    with t_env.execute_sql(" UNION ALL ".join(queries)).collect() as rows:
        for row in rows:
            print(row[0])


lines = [line.split(",") for line in open(sys.argv[1]).read().splitlines()]
python_matches([(k, int(i), kind_, int(ms)) for k, i, kind_, ms in lines])
sys.stdout.flush()
sql_matches(sys.argv[1])
