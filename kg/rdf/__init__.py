"""RDF in the project's ontology: export (:mod:`kg.rdf.writer`) and import (:mod:`kg.rdf.reader`)."""

from kg.rdf.reader import RdfImportReport, format_of, read_rdf
from kg.rdf.writer import RDF_FORMATS, Engine, RdfExportStats, RdfFormat, write_rdf

__all__ = [
    "RDF_FORMATS",
    "Engine",
    "RdfExportStats",
    "RdfFormat",
    "RdfImportReport",
    "format_of",
    "read_rdf",
    "write_rdf",
]
