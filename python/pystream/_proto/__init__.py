"""Generated protobuf modules (``jobspec_pb2``), made from ``proto/`` by the set-up step."""
