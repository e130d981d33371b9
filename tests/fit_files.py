"""FIT activity files for the tests, written with Garmin's FIT SDK encoder: runs made of
segments (a warm-up lap, steady running, strides, a walk...) with the running dynamics a
watch records, and the files a watch may also hold (a bike ride, a course)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from garmin_fit_sdk import Encoder, Profile

START = datetime.datetime(2026, 11, 20, 7, 0, tzinfo=datetime.timezone.utc)
NUM = Profile["mesg_num"]


@dataclass
class Segment:
    """A stretch of a run, one record a second, with its own lap when `lap` is set."""

    minutes: float
    speed: float | None = 2.94  # m/s: 5:40/km (None: a treadmill without a foot pod)
    cadence: float | None = 162  # steps a minute
    contact_ms: float | None = 262
    oscillation_mm: float | None = 86
    ratio_pct: float | None = 7.9
    balance_left_pct: float | None = 50.3
    step_mm: float | None = 1090
    lap: str | None = None  # the lap's intensity: active, warmup, cooldown, interval...


def fit_bytes(
    segments: list[Segment], sport: str = "running", kind: str = "activity", start=START
) -> bytes:
    encoder = Encoder()
    encoder.write_mesg(
        {
            "mesg_num": NUM["FILE_ID"],
            "type": kind,
            "manufacturer": "garmin",
            "product": 1,
            "serial_number": 1234,
            "time_created": start,
        }
    )
    now = start
    distance = 0.0
    laps = []
    for segment in segments:
        lap_start = now
        for _ in range(round(segment.minutes * 60)):
            record = {"mesg_num": NUM["RECORD"], "timestamp": now, "distance": distance}
            if segment.speed is not None:
                record["enhanced_speed"] = segment.speed
            if segment.cadence is not None:
                strides = segment.cadence / 2
                record["cadence"] = int(strides)
                record["fractional_cadence"] = round((strides - int(strides)) * 128) / 128
            for field, value in (
                ("stance_time", segment.contact_ms),
                ("vertical_oscillation", segment.oscillation_mm),
                ("vertical_ratio", segment.ratio_pct),
                ("stance_time_balance", segment.balance_left_pct),
                ("step_length", segment.step_mm),
            ):
                if value is not None:
                    record[field] = value
            encoder.write_mesg(record)
            distance += segment.speed or 0
            now += datetime.timedelta(seconds=1)
        if segment.lap is not None:
            laps.append((lap_start, now, segment.lap))
    for lap_start, lap_end, intensity in laps:
        encoder.write_mesg(
            {
                "mesg_num": NUM["LAP"],
                "timestamp": lap_end,
                "start_time": lap_start,
                "intensity": intensity,
                "sport": sport,
                "total_timer_time": (lap_end - lap_start).total_seconds(),
            }
        )
    if kind == "activity":
        encoder.write_mesg(
            {
                "mesg_num": NUM["SESSION"],
                "timestamp": now,
                "start_time": start,
                "sport": sport,
                "total_timer_time": (now - start).total_seconds(),
            }
        )
    return encoder.close()


def write_fit(path: Path, segments: list[Segment], **options) -> Path:
    path.write_bytes(fit_bytes(segments, **options))
    return path


def steady_run(minutes: float = 40, **values) -> list[Segment]:
    """An easy run as a watch records it: a marked warm-up, steady running, a marked
    cool-down."""
    return [
        Segment(8, speed=2.5, cadence=154, lap="warmup"),
        Segment(minutes, **values, lap="active"),
        Segment(5, speed=2.4, cadence=152, lap="cooldown"),
    ]
