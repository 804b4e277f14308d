"""The public methods of PyFlink's main classes, and stubs for those PyStream lacks.

The names were read from Apache Flink's ``flink-python/pyflink`` sources (releases 1.16
to 2.0; a method of any of them counts). PyStream's class of the same name has every one:
implemented, or a stub installed by ``install_unsupported`` that raises
``NotImplementedError`` naming ``Class.method``, so a PyFlink script never meets a bare
``AttributeError`` for an API PyFlink has. ``tests/python/api/test_pyflink_names.py``
compares this list with PyStream's classes.
"""

from __future__ import annotations

from typing import Any, Callable

__all__ = ["PYFLINK_METHODS", "install_unsupported", "unsupported"]

_STREAM_METHODS = (
    "get_name", "name", "uid", "set_uid_hash", "set_parallelism", "set_max_parallelism", "get_type",
    "get_execution_environment", "get_execution_config", "force_non_parallel", "set_buffer_timeout",
    "start_new_chain", "disable_chaining", "slot_sharing_group", "set_description", "map", "flat_map",
    "key_by", "filter", "window_all", "union", "connect", "shuffle", "project", "rescale", "rebalance",
    "forward", "broadcast", "process", "assign_timestamps_and_watermarks", "partition_custom", "add_sink",
    "sink_to", "execute_and_collect", "print", "get_side_output", "cache",
)

_WINDOWED_METHODS = (
    "get_execution_environment", "get_input_type", "trigger", "allowed_lateness", "side_output_late_data",
    "reduce", "aggregate", "apply", "process",
)

_STATE_DESCRIPTOR_METHODS = ("get_name", "enable_time_to_live")

_TABLE_ENVIRONMENT_METHODS = (
    "from_table_source", "register_catalog", "get_catalog", "load_module", "unload_module", "use_modules",
    "create_java_temporary_system_function", "create_temporary_system_function", "drop_temporary_system_function",
    "create_java_function", "drop_function", "create_java_temporary_function", "create_temporary_function",
    "drop_temporary_function", "create_temporary_table", "create_table", "register_table", "scan", "from_path",
    "from_descriptor", "list_catalogs", "list_modules", "list_full_modules", "list_databases", "list_tables",
    "list_views", "list_user_defined_functions", "list_functions", "list_temporary_tables", "list_temporary_views",
    "drop_temporary_table", "drop_temporary_view", "explain_sql", "sql_query", "execute_sql", "create_statement_set",
    "get_current_catalog", "use_catalog", "get_current_database", "use_database", "get_config",
    "register_java_function", "register_function", "create_temporary_view", "add_python_file",
    "set_python_requirements", "add_python_archive", "from_elements", "from_pandas",
)

# Keyed by where PyFlink exports the class.
PYFLINK_METHODS: dict[str, tuple[str, ...]] = {
    "pyflink.datastream.StreamExecutionEnvironment": (
        "get_config", "set_parallelism", "set_max_parallelism", "register_slot_sharing_group",
        "get_parallelism", "get_max_parallelism", "set_runtime_mode", "set_buffer_timeout",
        "get_buffer_timeout", "disable_operator_chaining", "is_chaining_enabled", "get_checkpoint_config",
        "enable_checkpointing", "get_checkpoint_interval", "get_checkpointing_mode", "get_state_backend",
        "set_state_backend", "enable_changelog_state_backend", "is_changelog_state_backend_enabled",
        "set_default_savepoint_directory", "get_default_savepoint_directory", "set_restart_strategy",
        "get_restart_strategy", "add_default_kryo_serializer", "register_type_with_kryo_serializer",
        "register_type", "set_stream_time_characteristic", "get_stream_time_characteristic", "configure",
        "add_python_file", "set_python_requirements", "add_python_archive", "set_python_executable",
        "add_jars", "add_classpaths", "get_default_local_parallelism", "set_default_local_parallelism",
        "execute", "execute_async", "get_execution_plan", "register_cached_file", "get_execution_environment",
        "add_source", "from_source", "read_text_file", "from_collection", "create_input",
        "is_unaligned_checkpoints_enabled", "is_force_unaligned_checkpoints", "close",
    ),
    "pyflink.datastream.DataStream": _STREAM_METHODS,
    "pyflink.datastream.KeyedStream": _STREAM_METHODS + (
        "reduce", "sum", "min", "max", "min_by", "max_by", "window", "count_window",
    ),
    "pyflink.datastream.DataStreamSink": (
        "name", "uid", "set_uid_hash", "set_parallelism", "set_description", "disable_chaining",
        "slot_sharing_group",
    ),
    "pyflink.datastream.WindowedStream": _WINDOWED_METHODS,
    "pyflink.datastream.AllWindowedStream": _WINDOWED_METHODS,
    "pyflink.datastream.ConnectedStreams": ("key_by", "map", "flat_map", "process"),
    "pyflink.datastream.BroadcastConnectedStream": ("process",),
    "pyflink.datastream.CheckpointConfig": (
        "is_checkpointing_enabled", "get_checkpointing_mode", "set_checkpointing_mode",
        "get_checkpoint_interval", "set_checkpoint_interval", "get_checkpoint_timeout",
        "set_checkpoint_timeout", "get_min_pause_between_checkpoints", "set_min_pause_between_checkpoints",
        "get_max_concurrent_checkpoints", "set_max_concurrent_checkpoints", "is_fail_on_checkpointing_errors",
        "set_fail_on_checkpointing_errors", "get_tolerable_checkpoint_failure_number",
        "set_tolerable_checkpoint_failure_number", "enable_externalized_checkpoints",
        "set_externalized_checkpoint_cleanup", "is_externalized_checkpoints_enabled",
        "get_externalized_checkpoint_cleanup", "set_externalized_checkpoint_retention",
        "get_externalized_checkpoint_retention", "is_unaligned_checkpoints_enabled",
        "enable_unaligned_checkpoints", "disable_unaligned_checkpoints", "set_aligned_checkpoint_timeout",
        "get_aligned_checkpoint_timeout", "set_alignment_timeout", "get_alignment_timeout",
        "set_force_unaligned_checkpoints", "is_force_unaligned_checkpoints", "set_checkpoint_storage",
        "set_checkpoint_storage_dir", "get_checkpoint_storage",
    ),
    "pyflink.common.ExecutionConfig": (
        "enable_closure_cleaner", "disable_closure_cleaner", "is_closure_cleaner_enabled",
        "set_auto_watermark_interval", "get_auto_watermark_interval", "set_latency_tracking_interval",
        "get_latency_tracking_interval", "get_parallelism", "set_parallelism", "get_max_parallelism",
        "set_max_parallelism", "get_task_cancellation_interval", "set_task_cancellation_interval",
        "get_task_cancellation_timeout", "set_task_cancellation_timeout", "enable_force_kryo",
        "disable_force_kryo", "is_force_kryo_enabled", "enable_generic_types", "disable_generic_types",
        "has_generic_types_disabled", "enable_auto_generated_uids", "disable_auto_generated_uids",
        "has_auto_generated_uids_enabled", "enable_force_avro", "disable_force_avro", "is_force_avro_enabled",
        "enable_object_reuse", "disable_object_reuse", "is_object_reuse_enabled", "get_global_job_parameters",
        "set_global_job_parameters", "get_default_kryo_serializer_classes", "get_registered_kryo_types",
        "get_registered_pojo_types", "is_use_snapshot_compression", "set_use_snapshot_compression",
    ),
    "pyflink.common.Configuration": (
        "get_string", "set_string", "get_integer", "set_integer", "get_boolean", "set_boolean", "get_float",
        "set_float", "get_bytearray", "set_bytearray", "key_set", "add_all_to_dict", "add_all",
        "contains_key", "to_dict", "remove_config",
    ),
    "pyflink.datastream.RuntimeContext": (
        "get_task_name", "get_number_of_parallel_subtasks", "get_max_number_of_parallel_subtasks",
        "get_index_of_this_subtask", "get_attempt_number", "get_task_name_with_subtasks", "get_job_parameter",
        "get_metrics_group", "get_state", "get_list_state", "get_map_state", "get_reducing_state",
        "get_aggregating_state",
    ),
    "pyflink.datastream.state.ValueStateDescriptor": _STATE_DESCRIPTOR_METHODS,
    "pyflink.datastream.state.ListStateDescriptor": _STATE_DESCRIPTOR_METHODS,
    "pyflink.datastream.state.MapStateDescriptor": _STATE_DESCRIPTOR_METHODS,
    "pyflink.datastream.state.ReducingStateDescriptor": _STATE_DESCRIPTOR_METHODS + ("get_reduce_function",),
    "pyflink.datastream.state.AggregatingStateDescriptor": _STATE_DESCRIPTOR_METHODS + ("get_agg_function",),
    "pyflink.table.TableEnvironment": _TABLE_ENVIRONMENT_METHODS,
    "pyflink.table.StreamTableEnvironment": _TABLE_ENVIRONMENT_METHODS + (
        "from_data_stream", "from_changelog_stream", "to_data_stream", "to_changelog_stream", "to_append_stream",
        "to_retract_stream",
    ),
    "pyflink.table.Table": (
        "select", "alias", "filter", "where", "group_by", "distinct", "join", "left_outer_join", "right_outer_join",
        "full_outer_join", "join_lateral", "left_outer_join_lateral", "minus", "minus_all", "union", "union_all",
        "intersect", "intersect_all", "order_by", "offset", "fetch", "limit", "window", "over_window", "add_columns",
        "add_or_replace_columns", "rename_columns", "drop_columns", "map", "flat_map", "aggregate", "flat_aggregate",
        "to_pandas", "get_schema", "get_resolved_schema", "print_schema", "execute_insert", "execute", "explain",
    ),
    "pyflink.table.TableResult": (
        "get_job_client", "wait", "get_table_schema", "get_resolved_schema", "get_result_kind", "collect", "print",
    ),
    "pyflink.table.StatementSet": ("add_insert_sql", "attach_as_datastream", "add_insert", "explain", "execute"),
    "pyflink.common.Types": (
        "STRING", "BYTE", "BOOLEAN", "SHORT", "INT", "LONG", "FLOAT", "DOUBLE", "CHAR", "BIG_INT", "BIG_DEC",
        "INSTANT", "SQL_DATE", "SQL_TIME", "SQL_TIMESTAMP", "PICKLED_BYTE_ARRAY", "ROW", "ROW_NAMED", "TUPLE",
        "PRIMITIVE_ARRAY", "BASIC_ARRAY", "OBJECT_ARRAY", "MAP", "LIST",
    ),
}


def unsupported(api: str) -> Callable[..., Any]:
    """A stand-in for the PyFlink API ``api`` (``Class.method``) that PyStream does not have yet."""
    def not_supported(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{api} is not supported by PyStream yet")
    not_supported.__name__ = api.rsplit(".", 1)[-1]
    not_supported.__qualname__ = api
    not_supported.__doc__ = f"PyFlink's {api}; PyStream does not support it yet (raises NotImplementedError)."
    not_supported._pystream_unsupported = True  # type: ignore[attr-defined]
    return not_supported


def install_unsupported(cls: type) -> type:
    """Gives ``cls`` a stub for every PyFlink method of the class of its name that it lacks
    (a stub it inherits is replaced by one naming ``cls``)."""
    for path, methods in PYFLINK_METHODS.items():
        if path.rsplit(".", 1)[-1] != cls.__name__:
            continue
        for method in methods:
            current = getattr(cls, method, None)
            if current is None or getattr(current, "_pystream_unsupported", False):
                setattr(cls, method, staticmethod(unsupported(f"{cls.__name__}.{method}")))
    return cls
