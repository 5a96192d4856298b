"""JPEG quantisation tables for the tamper analyses: read by intake (:mod:`idcheck.intake.jpegtables`), which
reads the file; the names the analyses and their tests use are re-exported here."""

from __future__ import annotations

from ..intake.jpegtables import STD_CHROMA, STD_LUMA, ZIGZAG, QuantInfo, ijg_table, read

__all__ = ["STD_CHROMA", "STD_LUMA", "ZIGZAG", "QuantInfo", "ijg_table", "read"]
