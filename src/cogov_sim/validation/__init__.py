"""Validation and calibration against the seeds' patterns (``cogov-sim validate``,
``cogov-sim calibrate``); see docs/validation.md."""

from __future__ import annotations

from .api import (
    CalibrationResult,
    ValidationResult,
    analyse_calibration,
    analyse_validation,
    run_calibration,
    run_validation,
)
from .patterns import PATTERN_IDS, PATTERNS
from .spec import load_calibration, load_validation

__all__ = ["PATTERNS", "PATTERN_IDS", "CalibrationResult", "ValidationResult",
           "analyse_calibration", "analyse_validation", "load_calibration",
           "load_validation", "run_calibration", "run_validation"]
