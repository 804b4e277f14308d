"""execute_async, the job client, execute_and_collect, several jobs in one script, the plan."""

import json

from pyflink.common import Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.common import JobStatus

env = StreamExecutionEnvironment.get_execution_environment()
env.from_collection(["direct"]).print("direct")
env.from_collection(["keyed"]).key_by(lambda x: x).print("direct")
env.from_collection([1, 2, 3]).map(lambda x: x * x).print("async")
client = env.execute_async("async job")
result = client.get_job_execution_result().result()
print("status:", client.get_job_status().result() == JobStatus.FINISHED, result.get_job_id() == client.get_job_id())

print("limit:", env.from_collection(list(range(100))).map(lambda x: -x).execute_and_collect(limit=3))
with env.from_collection([("a", 1)], Types.TUPLE([Types.STRING(), Types.INT()])).execute_and_collect() as results:
    print("all:", list(results))

env.from_collection([1]).map(lambda x: x).name("square").uid("sq").key_by(lambda x: x).sum().print()
plan = json.loads(env.get_execution_plan())
print("plan:", [(n["type"], n["parallelism"], [p["ship_strategy"] for p in n.get("predecessors", [])]) for n in plan["nodes"]])
env.execute("after plan")
