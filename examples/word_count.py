"""Word count, the PyFlink way: lines -> words -> (word, 1) -> sum per word.

    ./pystream run examples/word_count.py                 # built-in text, STREAMING
    ./pystream run examples/word_count.py --batch         # final counts only
    ./pystream run examples/word_count.py --input FILE    # count a file's words
"""

import argparse

from pyflink.common import Types
from pyflink.datastream import RuntimeExecutionMode, StreamExecutionEnvironment

TEXT = [
    "To be, or not to be,--that is the question:--",
    "Whether 'tis nobler in the mind to suffer",
    "The slings and arrows of outrageous fortune",
    "Or to take arms against a sea of troubles,",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--input")
    parser.add_argument("--batch", action="store_true")
    args = parser.parse_args()

    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)
    if args.batch:
        env.set_runtime_mode(RuntimeExecutionMode.BATCH)

    lines = env.read_text_file(args.input) if args.input else env.from_collection(TEXT, Types.STRING())
    counts = (
        lines.flat_map(lambda line: line.lower().replace(",", " ").replace("-", " ").replace(":", " ").split(),
                       output_type=Types.STRING())
        .map(lambda word: (word, 1), output_type=Types.TUPLE([Types.STRING(), Types.INT()]))
        .key_by(lambda pair: pair[0])
        .sum(1)
    )
    counts.print()
    env.execute("word_count")


if __name__ == "__main__":
    main()
