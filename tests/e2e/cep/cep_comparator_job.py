"""Events of equal timestamp ordered by an EventComparator, and the same pattern without one.

Per key, `a` next `b` (strict contiguity) over tied_readings(): prints ``ordered,<key>,<seq a>,<seq b>``
per match when a comparator puts kind a before b before c within a timestamp, ``arrival,...`` per match
when ties keep their arrival order.
"""

import sys
from pathlib import Path

from pyflink.cep import CEP, EventComparator, Pattern
from pyflink.common import Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment

sys.path.insert(0, str(Path(__file__).parent))
from cep_cases import tied_readings  # noqa: E402


class At(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[2]


class ByKind(EventComparator):
    def compare(self, first, second):
        return (first[1] > second[1]) - (first[1] < second[1])


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(2)
readings = (env.from_collection(tied_readings())
            .assign_timestamps_and_watermarks(WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(At())))
pattern = Pattern.begin("a").where(lambda e: e[1] == "a").next("b").where(lambda e: e[1] == "b")
for label, comparator in (("ordered", ByKind()), ("arrival", None)):
    (CEP.pattern(readings.key_by(lambda e: e[0]), pattern, comparator)
     .select(lambda m, label=label: f"{label},{m['a'][0][0]},{m['a'][0][3]},{m['b'][0][3]}", Types.STRING())
     .print())
env.execute("cep event comparator")
