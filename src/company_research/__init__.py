"""company-research: a cited one-page research brief on a company, for a job interview."""

from __future__ import annotations

__version__ = "0.1.0"
