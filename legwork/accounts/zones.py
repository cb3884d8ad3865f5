"""The time zones a person picks from: one list, grouped by region, each with its offset now.

The list is the tz database's own list of zones people live in (`zone.tab`: one or more per
country, "Europe/Amsterdam" as well as "Europe/Brussels") plus UTC. Left out: the old
aliases the database keeps for compatibility ("Asia/Calcutta", "US/Eastern", "GB",
"Europe/Kiev") and the fixed-offset "Etc/GMT+5" kind, which read wrong (its sign is the
POSIX one, backwards). An alias still names its zone (`canonical_timezone`): a person saved
with one before, or a browser that guesses one (Chrome says "Asia/Calcutta"), lands on the
zone it stands for.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

# The regions of zone.tab, in the order of the picker.
REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)
# Names that all mean UTC; "UTC" is the one we keep.
UTC_NAMES = frozenset({"Etc/UTC", "Etc/UCT", "Etc/GMT", "Etc/Universal", "Etc/Zulu", "GMT", "UCT", "Universal", "Zulu"})


def _tz_file(name: str) -> str | None:
    """A file of the tz database's sources: from the tzdata package (a dependency), else the system's."""
    try:
        return (resources.files("tzdata") / "zoneinfo" / name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        pass
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return None


def _lines(text: str | None) -> Iterable[list[str]]:
    for line in (text or "").splitlines():
        if line and not line.startswith("#"):
            yield line.split()


@cache
def timezone_names() -> list[str]:
    """Every zone a person may pick, sorted: zone.tab's zones we can load, and UTC."""
    known = zoneinfo.available_timezones()
    listed = {row[2] for row in _lines(_tz_file("zone.tab")) if len(row) >= 3}
    if not listed:
        # No zone.tab anywhere: the regions' names, aliases and all, are better than nothing.
        listed = {name for name in known if name.split("/")[0] in REGIONS}
    return sorted((listed & known) | {"UTC"})


@cache
def _aliases() -> dict[str, str]:
    names = set(timezone_names())
    aliases = dict.fromkeys(UTC_NAMES, "UTC")
    # tzdata.zi's links: "L <zone> <alias>".
    for row in _lines(_tz_file("tzdata.zi")):
        if len(row) == 3 and row[0] == "L" and row[1] in names and row[2] not in names:
            aliases[row[2]] = row[1]
    return aliases


@cache
def _zones() -> dict[str, zoneinfo.ZoneInfo]:
    # Held here: ZoneInfo keeps only a few zones strongly, and reading 419 files per form is slow.
    return {name: zoneinfo.ZoneInfo(name) for name in timezone_names()}


def canonical_timezone(name: str) -> str | None:
    """The zone of the list that `name` is or stands for, or None if it names none of them."""
    if name in set(timezone_names()):
        return name
    return _aliases().get(name)


def browser_aliases() -> dict[str, str]:
    """The aliases a browser may guess (region ones), for the line of script that preselects its guess."""
    return {alias: zone for alias, zone in _aliases().items() if alias.split("/")[0] in REGIONS}


def offset_label(offset: dt.timedelta) -> str:
    """ "UTC+1", "UTC+5:30", "UTC−3" (a real minus sign), "UTC+0"."""
    minutes = int(offset.total_seconds() // 60)
    sign = "−" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def place_label(name: str) -> str:
    """ "America/Argentina/Buenos_Aires" → "Argentina / Buenos Aires" (its region is the group's)."""
    return " / ".join(part.replace("_", " ") for part in name.split("/")[1:]) or name


def timezone_choices(now: dt.datetime | None = None) -> list[tuple[str, str] | tuple[str, list[tuple[str, str]]]]:
    """The picker's choices: UTC first, then a group per region, each zone "London (UTC+0)" by its
    offset at `now` (summer time is shown while it lasts). A callable for ChoiceField, so every new
    form has today's offsets."""
    now = now or dt.datetime.now(dt.UTC)
    groups: dict[str, list[tuple[str, str]]] = {region: [] for region in REGIONS}
    for name, zone in _zones().items():
        region = name.split("/")[0]
        if region in groups:
            offset = now.astimezone(zone).utcoffset() or dt.timedelta(0)
            groups[region].append((name, f"{place_label(name)} ({offset_label(offset)})"))
    choices: list[tuple[str, str] | tuple[str, list[tuple[str, str]]]] = [("UTC", "UTC")]
    choices += [(region, sorted(zones, key=lambda zone: zone[1])) for region, zones in groups.items() if zones]
    return choices
