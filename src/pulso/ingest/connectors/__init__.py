"""Connectors: VTEX stores, Falabella sites, HTML pages described in YAML, folders of exports.

Each site connector crawls politely (:mod:`~pulso.ingest.connectors.http`) and yields rows in
the ``prices`` import format, which go through the same validation, quarantine and loaders as
a file (:func:`pulso.ingest.runner.ingest_frame`). Sources, their configs and schedules are
stored in ``data_source`` (:mod:`~pulso.ingest.connectors.sources`).
"""

from pulso.ingest.connectors.exports import (
    REVIEW_COLUMNS,
    PosMapping,
    detect_survey_layout,
    load_pos_mapping,
    read_pos_export,
    read_review_export,
    read_survey_export,
)
from pulso.ingest.connectors.falabella import FalabellaConfig, crawl_falabella
from pulso.ingest.connectors.folder import EXPORT_KINDS, FolderConfig, run_folder
from pulso.ingest.connectors.harvest import Harvest, observation_time
from pulso.ingest.connectors.html import HtmlConfig, crawl_html, load_html_config
from pulso.ingest.connectors.http import (
    DEFAULT_USER_AGENT,
    CircuitBreaker,
    CircuitOpenError,
    FetchError,
    HttpPolicy,
    PoliteClient,
    RobotsDisallowedError,
)
from pulso.ingest.connectors.price_text import PriceText, parse_price_text
from pulso.ingest.connectors.schedule import is_due, parse_cron
from pulso.ingest.connectors.sources import (
    SOURCE_KINDS,
    SourceInfo,
    SourceRunResult,
    SourceRuntime,
    add_source,
    check_config,
    due_sources,
    get_source,
    list_sources,
    run_source,
)
from pulso.ingest.connectors.vtex import VTEX_PRESETS, VtexConfig, crawl_vtex

__all__ = [
    "DEFAULT_USER_AGENT",
    "EXPORT_KINDS",
    "REVIEW_COLUMNS",
    "SOURCE_KINDS",
    "VTEX_PRESETS",
    "CircuitBreaker",
    "CircuitOpenError",
    "FalabellaConfig",
    "FetchError",
    "FolderConfig",
    "Harvest",
    "HtmlConfig",
    "HttpPolicy",
    "PoliteClient",
    "PosMapping",
    "PriceText",
    "RobotsDisallowedError",
    "SourceInfo",
    "SourceRunResult",
    "SourceRuntime",
    "VtexConfig",
    "add_source",
    "check_config",
    "crawl_falabella",
    "crawl_html",
    "crawl_vtex",
    "detect_survey_layout",
    "due_sources",
    "get_source",
    "is_due",
    "list_sources",
    "load_html_config",
    "load_pos_mapping",
    "observation_time",
    "parse_cron",
    "parse_price_text",
    "read_pos_export",
    "read_review_export",
    "read_survey_export",
    "run_folder",
    "run_source",
]
