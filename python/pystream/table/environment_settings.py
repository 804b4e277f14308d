"""``EnvironmentSettings``, as in ``pyflink.table.environment_settings``: batch or streaming, and a configuration."""

from __future__ import annotations

from pystream.common.configuration import Configuration

__all__ = ["EnvironmentSettings"]

_RUNTIME_MODE = "execution.runtime-mode"
BUILT_IN_CATALOG = "default_catalog"
BUILT_IN_DATABASE = "default_database"


class EnvironmentSettings:
    """How a ``TableEnvironment`` runs: ``in_streaming_mode()`` (the default) or ``in_batch_mode()``."""

    def __init__(self, configuration: Configuration) -> None:
        self._configuration = configuration

    class Builder:
        def __init__(self) -> None:
            self._configuration = Configuration()
            self._configuration.set_string(_RUNTIME_MODE, "streaming")

        def in_batch_mode(self) -> "EnvironmentSettings.Builder":
            self._configuration.set_string(_RUNTIME_MODE, "batch")
            return self

        def in_streaming_mode(self) -> "EnvironmentSettings.Builder":
            self._configuration.set_string(_RUNTIME_MODE, "streaming")
            return self

        def with_configuration(self, config: Configuration) -> "EnvironmentSettings.Builder":
            self._configuration.add_all(config)
            return self

        def with_built_in_catalog_name(self, built_in_catalog_name: str) -> "EnvironmentSettings.Builder":
            raise NotImplementedError("EnvironmentSettings.Builder.with_built_in_catalog_name is not supported by "
                                      f"PyStream yet: the catalog is always '{BUILT_IN_CATALOG}'")

        def with_built_in_database_name(self, built_in_database_name: str) -> "EnvironmentSettings.Builder":
            raise NotImplementedError("EnvironmentSettings.Builder.with_built_in_database_name is not supported by "
                                      f"PyStream yet: the database is always '{BUILT_IN_DATABASE}'")

        def build(self) -> "EnvironmentSettings":
            return EnvironmentSettings(Configuration(self._configuration))

    @staticmethod
    def new_instance() -> "EnvironmentSettings.Builder":
        return EnvironmentSettings.Builder()

    @staticmethod
    def in_streaming_mode() -> "EnvironmentSettings":
        return EnvironmentSettings.new_instance().in_streaming_mode().build()

    @staticmethod
    def in_batch_mode() -> "EnvironmentSettings":
        return EnvironmentSettings.new_instance().in_batch_mode().build()

    @staticmethod
    def from_configuration(config: Configuration) -> "EnvironmentSettings":
        return EnvironmentSettings.new_instance().with_configuration(config).build()

    def is_streaming_mode(self) -> bool:
        return self._configuration.get_string(_RUNTIME_MODE, "streaming").lower() != "batch"

    def get_built_in_catalog_name(self) -> str:
        return BUILT_IN_CATALOG

    def get_built_in_database_name(self) -> str:
        return BUILT_IN_DATABASE

    def get_configuration(self) -> Configuration:
        return self._configuration

    def to_configuration(self) -> Configuration:
        return Configuration(self._configuration)
