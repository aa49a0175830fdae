"""Restaurants pipeline steps (registered with ``pulso.pipelines.registry.step``)."""

from __future__ import annotations
