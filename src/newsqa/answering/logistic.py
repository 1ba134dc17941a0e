"""The logistic models of answering (source gate, answer check): weighted signals → probability."""

from __future__ import annotations

import math
from dataclasses import astuple
from typing import Any


def probability(weights: Any, signals: Any, bias: float) -> float:
    """1 / (1 + e^-(bias + Σ weight·signal)) over two dataclasses with the same fields."""
    z = bias + sum(w * x for w, x in zip(astuple(weights), astuple(signals), strict=True))
    return 1.0 / (1.0 + math.exp(-z))
