"""At parallelism 4 (on a cluster: over the workers): a map calling a function of the script itself, one of a
module beside the script (cluster_files_words.py) and one of a module shipped with add_python_file (lib/shapes.py),
which is imported where the map runs."""

import os

from pyflink.common import Types
from pyflink.datastream import StreamExecutionEnvironment

from cluster_files_words import spell

env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(4)
env.add_python_file(os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib", "shapes.py"))


def describe(n):
    from shapes import area
    return f"{spell(n)}: {area(n, n + 1)}"


env.from_collection(list(range(12)), Types.INT()).map(describe, Types.STRING()).print()
env.execute("cluster files")
