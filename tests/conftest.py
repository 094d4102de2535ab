"""All shared fixtures live in one plugin: tests/support/plugin.py."""
pytest_plugins = ["tests.support.plugin"]
