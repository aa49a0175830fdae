"""Realistic Peruvian demo data with planted, known ground truth."""

from pulso.synth.demo import generate_demo
from pulso.synth.manifest import DemoManifest, ManifestEntry
from pulso.synth.scales import SCALES

__all__ = ["SCALES", "DemoManifest", "ManifestEntry", "generate_demo"]
