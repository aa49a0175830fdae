"""Reading, validating and loading import files; preprocessing transformers."""

from pulso.ingest.preprocessing import (
    ConsistencyChecker,
    GroupMedianImputer,
    RobustOutlierFlagger,
    make_preprocessor,
)
from pulso.ingest.readers import RawTable, read_table
from pulso.ingest.runner import IngestOptions, IngestResult, ingest_file, ingest_frame
from pulso.ingest.sizes import PackSize, find_size_in_name, parse_size, split_size
from pulso.ingest.specs import SPECS, ImportSpec, get_spec
from pulso.ingest.validation import ValidationResult, validate_frame

__all__ = [
    "SPECS",
    "ConsistencyChecker",
    "GroupMedianImputer",
    "ImportSpec",
    "IngestOptions",
    "IngestResult",
    "PackSize",
    "RawTable",
    "RobustOutlierFlagger",
    "ValidationResult",
    "find_size_in_name",
    "get_spec",
    "ingest_file",
    "ingest_frame",
    "make_preprocessor",
    "parse_size",
    "read_table",
    "split_size",
    "validate_frame",
]
