"""The production ASGI entry point: `uvicorn clngraph.asgi:app`."""

from clngraph.app import create_app
from clngraph.logging_setup import configure_logging
from foundation.settings import Settings

_settings = Settings.from_env()
configure_logging(_settings.log_level, json_logs=_settings.log_json)
app = create_app(_settings)
