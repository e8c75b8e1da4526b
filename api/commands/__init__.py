"""CLI commands, one module per family; each registers on ``api.cli.app`` when imported."""
