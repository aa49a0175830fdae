"""Exports of other tools, turned into Pulso's import formats.

* **Surveys** (:func:`read_survey_export`, :mod:`.survey_exports`): Google Forms and SurveyMonkey
  exports (CSV or ``.xlsx``) -> ``surveys``; unknown layouts are refused with a clear error.
* **Reviews** (:func:`read_review_export`, :mod:`.review_exports`): Google Maps / TripAdvisor
  reviews gathered by third-party tools, in the documented layout -> ``feedback``.
* **POS exports** (:func:`read_pos_export`, :mod:`.pos_exports`): sales lines plus a YAML
  mapping file -> ``orders``.

Every reader returns a :class:`~pulso.ingest.readers.RawTable` of text cells: values are checked
later by the same validation as any import, so bad rows are quarantined with their reasons.
"""

from __future__ import annotations

from pulso.ingest.connectors.pos_exports import (
    ORDER_COLUMNS,
    PosColumns,
    PosMapping,
    load_pos_mapping,
    read_pos_export,
)
from pulso.ingest.connectors.review_exports import (
    FEEDBACK_COLUMNS,
    REVIEW_COLUMNS,
    read_review_export,
)
from pulso.ingest.connectors.survey_exports import (
    SURVEY_COLUMNS,
    detect_survey_layout,
    read_survey_export,
)

__all__ = [
    "FEEDBACK_COLUMNS",
    "ORDER_COLUMNS",
    "REVIEW_COLUMNS",
    "SURVEY_COLUMNS",
    "PosColumns",
    "PosMapping",
    "detect_survey_layout",
    "load_pos_mapping",
    "read_pos_export",
    "read_review_export",
    "read_survey_export",
]
