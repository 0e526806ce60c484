"""The controlled vocabulary of chip figures, and how a figure is written for people.

Every spec in the KB names one of these figures.  A figure may be *stated* in any of its
accepted units (a capacity in GiB stays in GiB in the YAML) and is converted to the canonical
unit only when figures are compared.

`format_number` and `format_spec` are the one way a figure's number is written: the app, the
terminal, `show`, `compare`, the notes and the search index all call them, so every view shows
the same digits and none shows `1.23457e+06`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kb.store.model import Spec

GIB_IN_GB = 2**30 / 10**9


#: Which way a figure is better, when it has a better at all.
HIGHER, LOWER = "higher", "lower"
#: What a figure is about; views group rows and chart choices by it.
GROUPS = ("compute", "memory", "interconnect", "power", "silicon")


@dataclass(frozen=True)
class Figure:
    """One kind of figure: its label, canonical unit and the units it may be stated in, and what
    it means: which way is better (`better`: HIGHER, LOWER, or None where a value is a design
    choice, such as TDP or die area, and no value is "best"), its group, and whether dividing it by
    the chip's power gives a figure of merit (`per_watt`: throughput per watt)."""

    name: str
    label: str
    unit: str
    units: dict[str, float] = field(default_factory=dict)
    better: str | None = HIGHER
    group: str = "compute"
    per_watt: bool = False

    def factor(self, unit: str) -> float:
        """How many canonical units one `unit` is."""
        return self.units[unit]

    def to_canonical(self, value: float, unit: str) -> float:
        return value * self.factor(unit)


def _throughput(name: str, label: str) -> Figure:
    return Figure(name, label, "TFLOPS", {"TFLOPS": 1.0, "PFLOPS": 1000.0, "GFLOPS": 0.001}, per_watt=True)


def _ops(name: str, label: str) -> Figure:
    return Figure(name, label, "TOPS", {"TOPS": 1.0, "POPS": 1000.0, "GOPS": 0.001}, per_watt=True)


_CAPACITY = {"GB": 1.0, "GiB": GIB_IN_GB, "TB": 1000.0, "MB": 0.001, "MiB": 2**20 / 10**9}
_BANDWIDTH = {"TB/s": 1.0, "GB/s": 0.001, "GiB/s": GIB_IN_GB / 1000, "TiB/s": 2**40 / 10**12}
_LINK_BANDWIDTH = {"GB/s": 1.0, "GiB/s": GIB_IN_GB, "TB/s": 1000.0, "Gbps": 0.125, "Tbps": 125.0}

FIGURES: dict[str, Figure] = {
    f.name: f
    for f in [
        _throughput("bf16-dense", "BF16 dense"),
        _throughput("bf16-sparse", "BF16 sparse"),
        _throughput("fp16-dense", "FP16 dense"),
        _throughput("fp16-sparse", "FP16 sparse"),
        _throughput("tf32-dense", "TF32 dense"),
        _throughput("tf32-sparse", "TF32 sparse"),
        _throughput("fp32", "FP32"),
        _throughput("fp64", "FP64"),
        _throughput("fp8-dense", "FP8 dense"),
        _throughput("fp8-sparse", "FP8 sparse"),
        _throughput("fp4-dense", "FP4 dense"),
        _throughput("fp4-sparse", "FP4 sparse"),
        _ops("int8-dense", "INT8 dense"),
        _ops("int8-sparse", "INT8 sparse"),
        _ops("int4-dense", "INT4 dense"),
        Figure("hbm-capacity", "HBM capacity", "GB", dict(_CAPACITY), group="memory"),
        Figure("hbm-bandwidth", "HBM bandwidth", "TB/s", dict(_BANDWIDTH), group="memory"),
        Figure("memory-capacity", "Memory capacity (non-HBM)", "GB", dict(_CAPACITY), group="memory"),
        Figure("memory-bandwidth", "Memory bandwidth (non-HBM)", "TB/s", dict(_BANDWIDTH), group="memory"),
        Figure("sram-capacity", "On-chip SRAM", "MB", {"MB": 1.0, "MiB": 2**20 / 10**6, "KB": 0.001}, group="memory"),
        Figure("interconnect-bandwidth", "Chip-to-chip bandwidth", "GB/s", dict(_LINK_BANDWIDTH), group="interconnect"),
        # How many chips one pod joins: its scale, not a merit of the chip.
        Figure("chips-per-pod", "Chips per pod", "chips", {"chips": 1.0}, better=None, group="interconnect"),
        # Power, size and clock are design choices: a lower TDP is not a better chip.
        Figure("tdp", "TDP", "W", {"W": 1.0, "kW": 1000.0}, better=None, group="power"),
        # Google publishes measured power for TPU v4, which is not a TDP.
        Figure("measured-max-power", "Measured max power", "W", {"W": 1.0, "kW": 1000.0}, better=None, group="power"),
        Figure("process-node", "Process node", "nm", {"nm": 1.0}, better=LOWER, group="silicon"),
        Figure(
            "transistors", "Transistors", "billion", {"billion": 1.0, "million": 0.001}, better=None, group="silicon"
        ),
        Figure("die-area", "Die area", "mm2", {"mm2": 1.0}, better=None, group="silicon"),
        Figure("cores", "Cores", "cores", {"cores": 1.0}, better=None, group="silicon"),
        Figure("clock", "Clock", "GHz", {"GHz": 1.0, "MHz": 0.001}, better=None, group="silicon"),
        # Apple states Neural Engine throughput without naming a precision.
        _ops("npu-ops", "Neural engine ops (precision not stated)"),
    ]
}


def unit_error(name: str, unit: str) -> str | None:
    """Why `unit` cannot be used with figure `name`, or None when it fits."""
    figure = FIGURES.get(name)
    if figure is None:
        return None
    if unit in figure.units:
        return None
    allowed = ", ".join(figure.units)
    return f"unit {unit!r} does not fit figure {name!r} (use one of: {allowed})"


def format_number(value: float) -> str:
    """A value as people read it: whole numbers bare, others to two decimals (more when small),
    without trailing zeros, never in exponent notation."""
    if float(value).is_integer():
        return str(int(value))
    if not math.isfinite(value):
        return str(value)
    size = abs(value)
    decimals = 2 if size >= 1 else max(2, 2 - math.floor(math.log10(size)))
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".")


def format_spec(spec: Spec) -> str:
    """`190 TFLOPS`, `32 GiB (34.36 GB)`, `400 W (estimate)` or `not disclosed`: a stated unit is
    never relabelled; a figure stated in another unit than the canonical one shows the canonical
    value beside it; an estimate says so."""
    if spec.value is None:
        return "not disclosed"
    shown = f"{format_number(spec.value)} {spec.unit}"
    figure = FIGURES.get(spec.name)
    if figure and spec.unit != figure.unit and spec.unit in figure.units:
        shown += f" ({format_number(figure.to_canonical(spec.value, spec.unit))} {figure.unit})"
    return f"{shown} (estimate)" if spec.is_estimate else shown
