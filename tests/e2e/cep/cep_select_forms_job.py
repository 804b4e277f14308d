"""select and flat_select in their forms, in processing time (no timestamps upstream)."""

from pyflink.cep import CEP, Pattern, PatternFlatSelectFunction
from pyflink.common import Types
from pyflink.datastream import StreamExecutionEnvironment


class Both(PatternFlatSelectFunction):
    def flat_select(self, match):
        yield f"flat,{match['a'][0]}"
        yield f"flat,{match['b'][0]}"


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
events = env.from_collection(["a1", "b1", "a2", "x1", "b2", "a3", "b3"], Types.STRING())
pattern = Pattern.begin("a").where(lambda e: e[0] == "a").next("b").where(lambda e: e[0] == "b")
stream = CEP.pattern(events, pattern)
stream.select(lambda m: f"select,{m['a'][0]}{m['b'][0]}", output_type=Types.STRING()).print()
stream.flat_select(Both(), Types.STRING()).print()
stream.in_processing_time().flat_select(lambda m: [f"lambda,{len(m)}"], Types.STRING()).print()
env.execute("select forms")
