"""CLI command modules, one per area; each exposes `register(subparsers)`.

A module's commands use `clngraph.cli.settings_from_env()` and
`clngraph.cli.admin_url_for(settings)` to reach the database.
"""
