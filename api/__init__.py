"""The surfaces: FastAPI REST, HTML pages with pyvis visualisations, and the ``ikg`` CLI."""
