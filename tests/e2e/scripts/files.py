"""FileSource (text lines) -> map -> FileSink (row format), then read the finished part files."""

import glob
import os
import sys

from pyflink.common import Encoder, Types, WatermarkStrategy
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.file_system import FileSink, FileSource, OutputFileConfig, StreamFormat

work = sys.argv[1]
os.makedirs(os.path.join(work, "in"), exist_ok=True)
for i, words in enumerate(["alpha beta", "gamma", "delta epsilon zeta"]):
    with open(os.path.join(work, "in", f"{i}.txt"), "w") as f:
        f.write("\n".join(words.split()) + "\n")

env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(2)
source = FileSource.for_record_stream_format(StreamFormat.text_line_format(), os.path.join(work, "in")).process_static_file_set().build()
sink = (FileSink.for_row_format(os.path.join(work, "out"), Encoder.simple_string_encoder())
        .with_output_file_config(OutputFileConfig.builder().with_part_prefix("words").with_part_suffix(".txt").build())
        .build())
env.from_source(source, WatermarkStrategy.no_watermarks(), "words").map(str.upper, Types.STRING()).sink_to(sink)
env.execute("files")

parts = sorted(glob.glob(os.path.join(work, "out", "*", "words-*.txt")))
hidden = glob.glob(os.path.join(work, "out", "*", ".*"))
print(f"{len(parts)} part files, {len(hidden)} in progress")
lines = sorted(line for p in parts for line in open(p).read().splitlines())
print(" ".join(lines))
print(sorted(env.read_text_file(os.path.join(work, "in")).execute_and_collect()))
