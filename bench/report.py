"""Turns load runs into figures (turns/s, latency percentiles, CPU, memory) and a report with the targets."""

from __future__ import annotations

from dataclasses import dataclass

from bench.load import Run

TARGET_RATIO = 5.0
TARGET_P95_MS = 150.0  # issue 15's goal through this harness on this machine (issue 8 asked 100)
TARGET_RSS_MB = 150.0
TARGET_FANOUT_SECONDS = 5.0


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


@dataclass
class Figures:
    """One bot under load."""

    label: str
    turns_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    cpu_ms_per_turn: float
    peak_rss_mb: float
    completed: int
    failed: int
    p95_ms_by_kind: dict[str, float]  # the order's first turn, its answers, and the turn that files it

    @classmethod
    def of(cls, label: str, run: Run, cpu_seconds: float, peak_rss_mb: float) -> Figures:
        latencies = sorted(run.latencies)
        return cls(
            label=label,
            turns_per_second=len(latencies) / run.seconds,
            p50_ms=percentile(latencies, 0.50) * 1000,
            p95_ms=percentile(latencies, 0.95) * 1000,
            p99_ms=percentile(latencies, 0.99) * 1000,
            cpu_ms_per_turn=cpu_seconds * 1000 / max(run.turns, 1),
            peak_rss_mb=peak_rss_mb,
            completed=run.completed,
            failed=run.failed,
            p95_ms_by_kind={
                kind: percentile(sorted(values), 0.95) * 1000 for kind, values in run.by_kind.items()
            },
        )


@dataclass
class FanOut:
    """Proactive messages to many conversations through one adapter."""

    label: str
    count: int
    seconds: float
    delivered: int
    peak_rss_mb: float


def render(apps: list[Figures], echo: Figures, fanouts: list[FanOut], header: list[str]) -> str:
    titles = _row("bot", "turns/s", "p50 ms", "p95 ms", "p99 ms", "CPU ms/turn", "peak MB", "ok/bad")
    lines = [*header, "", titles]
    for f in [*apps, echo]:
        lines.append(
            _row(
                f.label,
                f"{f.turns_per_second:.0f}",
                f"{f.p50_ms:.1f}",
                f"{f.p95_ms:.1f}",
                f"{f.p99_ms:.1f}",
                f"{f.cpu_ms_per_turn:.2f}",
                f"{f.peak_rss_mb:.0f}",
                f"{f.completed}/{f.failed}",
            )
        )
    lines += ["", "p95 by kind of turn (start: beställ; answer: every answer; file: the confirming ja):"]
    lines += [f"  {f.label}: {_by_kind(f)}" for f in apps]
    lines += [
        "",
        *(
            f"{f.label}: {f.delivered}/{f.count} in {f.seconds:.2f} s ({f.count / f.seconds:.0f}/s),"
            f" peak {f.peak_rss_mb:.0f} MB"
            for f in fanouts
        ),
    ]
    lines += ["", *_verdicts(apps, echo, fanouts)]
    return "\n".join(lines)


def _verdicts(apps: list[Figures], echo: Figures, fanouts: list[FanOut]) -> list[str]:
    lines = []
    for app in apps:
        ratio = app.turns_per_second / echo.turns_per_second if echo.turns_per_second else float("inf")
        lines.append(f"{app.label}: {ratio:.1f}× the stock echo bot's turns/s {_mark(ratio >= TARGET_RATIO)}")
        lines.append(f"{app.label}: p95 {app.p95_ms:.0f} ms {_mark(app.p95_ms <= TARGET_P95_MS)}")
        rss = app.peak_rss_mb
        lines.append(f"{app.label}: peak RSS {rss:.0f} MB {_mark(rss <= TARGET_RSS_MB)}")
        lines.append(f"{app.label}: every order filed {_mark(app.failed == 0 and app.completed > 0)}")
    ours = fanouts[0]
    done = ours.delivered == ours.count and ours.seconds <= TARGET_FANOUT_SECONDS
    lines.append(f"{ours.label}: {ours.count} notifications in {ours.seconds:.2f} s {_mark(done)}")
    return lines


def _by_kind(figures: Figures) -> str:
    return ", ".join(f"{kind} {ms:.0f} ms" for kind, ms in sorted(figures.p95_ms_by_kind.items()))


def _mark(met: bool) -> str:
    return "(target met)" if met else "(TARGET MISSED)"


def _row(*cells: str) -> str:
    label, *numbers = cells
    return f"{label:<40}" + "".join(f"{cell:>12}" for cell in numbers)
