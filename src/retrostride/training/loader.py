"""Read and validate program and rule files (TOML, stdlib ``tomllib``).

Every problem raises :class:`retrostride.errors.InputError` naming the file, the table and key,
the value found and what is accepted. The shipped files live in ``retrostride/data/programs``;
other folders (a clinic's own programs) can be read the same way.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import time
from importlib import resources
from pathlib import Path
from typing import Any

from retrostride.errors import InputError
from retrostride.science.locomotion import Setting
from retrostride.training.fields import FIELD_PARSERS, attribute, parse_field
from retrostride.training.program import (
    WEEKDAYS,
    EvidenceItem,
    Exercise,
    Level,
    Limits,
    Prescription,
    Program,
    Source,
)
from retrostride.training.rules import ACTIONS, METRICS, OPERATORS, Action, Condition, Rule, RuleSet

SETTINGS = (*(s.value for s in Setting), "lbpp-treadmill", "sled-lane")
"""The log's settings (``science.locomotion.Setting``) and two a program may also name."""
GAITS = ("walk", "run", "walk-run")
DIRECTIONS = ("backward", "forward")
BASES = ("evidence", "our choice")


def shipped_dir() -> Path:
    """The folder of the program and rule files shipped with the package."""
    return Path(str(resources.files("retrostride.data") / "programs"))


def _need(table: dict[str, Any], key: str, where: str, kind: type | tuple[type, ...]) -> Any:
    if key not in table:
        raise InputError(f"{where}.{key}", None, f"a {_kind_name(kind)} (missing)")
    value = table[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise InputError(f"{where}.{key}", value, f"a {_kind_name(kind)}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(
        {
            str: "text",
            int: "whole number",
            float: "number",
            bool: "true/false",
            list: "list",
            dict: "table",
        }.get(k, k.__name__)
        for k in kinds
    )


def _choice(value: object, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise InputError(where, value, " or ".join(allowed))
    return str(value)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(str(path), path.name, f"valid TOML ({exc})") from None
    except OSError as exc:
        raise InputError(str(path), path.name, f"a readable file ({exc.strerror})") from None


def _prescription(table: dict[str, Any], where: str, level: int) -> Prescription:
    known = {*FIELD_PARSERS, "setting", "direction", "gait", "handrails", "supervision", "note"}
    for key in table:
        if key not in known:
            raise InputError(f"{where}.{key}", table[key], "one of " + ", ".join(sorted(known)))
    values: dict[str, Any] = {}
    for key in FIELD_PARSERS:
        if key in table and table[key] != "self-selected":
            values[attribute(key)] = parse_field(key, table[key], where=where)
    if "duration_s" not in values:
        raise InputError(f"{where}.duration", None, 'a duration such as "10 min" (missing)')
    return Prescription(
        setting=_choice(table.get("setting", "overground"), SETTINGS, f"{where}.setting"),
        direction=_choice(table.get("direction", "backward"), DIRECTIONS, f"{where}.direction"),
        gait=_choice(table.get("gait", "walk"), GAITS, f"{where}.gait"),
        handrails=bool(table.get("handrails", False)),
        supervision=str(table.get("supervision", "none")),
        note=str(table.get("note", "")),
        level=level,
        **values,
    )


def _limits(table: dict[str, Any], where: str) -> Limits:
    bounds: dict[str, tuple[float, float]] = {}
    for key, pair in table.items():
        if not isinstance(pair, list) or len(pair) != 2:
            raise InputError(f"{where}.{key}", pair, 'a pair [low, high], e.g. ["5 min", "30 min"]')
        low = parse_field(key, pair[0], where=where)
        high = parse_field(key, pair[1], where=where)
        if low > high:
            raise InputError(f"{where}.{key}", pair, "a low bound not above the high bound")
        bounds[attribute(key)] = (low, high)
    return Limits(bounds)


def _levels(data: dict[str, Any], where: str) -> tuple[Level, ...]:
    if "levels" in data:
        tables = _need(data, "levels", where, list)
        if not tables:
            raise InputError(f"{where}.levels", tables, "at least one [[levels]] table")
    else:
        tables = [
            {
                "name": "main",
                "start": _need(data, "start", where, dict),
                "limits": data.get("limits", {}),
            }
        ]
    levels = []
    for i, table in enumerate(tables):
        here = f"{where}.levels[{i}]" if "levels" in data else where
        start = _prescription(_need(table, "start", here, dict), f"{here}.start", i)
        limits = _limits(table.get("limits", {}), f"{here}.limits")
        for name, (low, high) in limits.bounds.items():
            value = start.get(name)
            if value is not None and not low <= value <= high:
                raise InputError(f"{here}.start", value, f"{name} within [{low}, {high}]")
        levels.append(
            Level(
                str(table.get("name", f"level {i + 1}")),
                start,
                limits,
                str(table.get("description", "")),
            )
        )
    return tuple(levels)


def load_program(path: Path) -> Program:
    """Read one program file."""
    return _program(_read(path), path.name, path.read_text(encoding="utf-8"))


def parse_program_text(text: str, name: str = "program.toml") -> Program:
    """A program from its TOML text (as snapshotted at enrolment)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(name, name, f"valid TOML ({exc})") from None
    return _program(data, name, text)


def _program(data: dict[str, Any], where: str, text: str) -> Program:
    if data.get("kind") != "program":
        raise InputError(f"{where}.kind", data.get("kind"), '"program"')
    days = tuple(_need(data, "days", where, list))
    for day in days:
        _choice(day, WEEKDAYS, f"{where}.days")
    if len(set(days)) != len(days) or not days:
        raise InputError(f"{where}.days", list(days), "distinct weekdays (mon ... sun)")
    sources = tuple(
        Source(
            _need(s, "key", f"{where}.sources", str),
            _need(s, "citation", f"{where}.sources", str),
            s.get("doi"),
            s.get("url"),
        )
        for s in _need(data, "sources", where, list)
    )
    keys = {s.key for s in sources}
    evidence = []
    for i, item in enumerate(_need(data, "evidence", where, list)):
        here = f"{where}.evidence[{i}]"
        basis = _choice(item.get("basis"), BASES, f"{here}.basis")
        source = item.get("source")
        if basis == "evidence" and source not in keys:
            raise InputError(f"{here}.source", source, "the key of one of the file's [[sources]]")
        if basis == "our choice" and not item.get("why"):
            raise InputError(f"{here}.why", None, "the reason for our choice (missing)")
        evidence.append(
            EvidenceItem(_need(item, "item", here, str), basis, source, str(item.get("why", "")))
        )
    exercises = tuple(
        Exercise(
            _need(e, "name", f"{where}.exercises", str),
            str(e.get("dose", "")),
            _choice(e.get("basis"), BASES, f"{where}.exercises.basis"),
            e.get("source"),
        )
        for e in data.get("exercises", [])
    )
    try:
        session_time = time.fromisoformat(str(data.get("session_time", "09:00")))
    except ValueError:
        raise InputError(f"{where}.session_time", data.get("session_time"), "HH:MM") from None
    weeks = _need(data, "weeks", where, int)
    if not 1 <= weeks <= 104:
        raise InputError(f"{where}.weeks", weeks, "1 to 104 weeks")
    return Program(
        id=_need(data, "id", where, str),
        version=_need(data, "version", where, int),
        title=_need(data, "title", where, str),
        summary=_need(data, "summary", where, str),
        population=_need(data, "population", where, str),
        weeks=weeks,
        days=days,
        sport=tuple(data.get("sport", ["walking"])),
        rules=_need(data, "rules", where, str),
        levels=_levels(data, where),
        sources=sources,
        evidence=tuple(evidence),
        exercises=exercises,
        session_time=session_time,
        match_window_days=int(data.get("match_window_days", 1)),
        outcomes=tuple(data.get("outcomes", [])),
        source_text=text,
    )


def _condition(table: dict[str, Any], where: str) -> Condition:
    metric = _need(table, "metric", where, str)
    base = metric.split(":", 1)
    if metric not in METRICS and not (base[0] in ("at_max", "at_min") and len(base) == 2):
        raise InputError(f"{where}.metric", metric, ", ".join([*METRICS, "at_max:<field>"]))
    op = _choice(table.get("op"), tuple(OPERATORS), f"{where}.op")
    return Condition(metric, op, float(_need(table, "value", where, (int, float))))


def _action(table: dict[str, Any], where: str) -> Action:
    kind = _choice(table.get("action"), ACTIONS, f"{where}.action")
    message = str(table.get("message", ""))
    if kind in ("hold", "pause", "flag"):
        return Action(kind, message=message)
    if kind == "level":
        return Action(kind, amount=float(_need(table, "step", where, int)), message=message)
    key = _need(table, "field", where, str)
    if key not in FIELD_PARSERS:
        raise InputError(f"{where}.field", key, ", ".join(FIELD_PARSERS))
    if kind == "scale":
        factor = float(_need(table, "factor", where, (int, float)))
        if not 0.0 < factor <= 3.0:
            raise InputError(f"{where}.factor", factor, "a factor between 0 and 3")
        return Action(kind, attribute(key), factor, message)
    amount = parse_field(
        key, _need(table, "amount", where, (str, int, float)), where=where, signed=kind == "add"
    )
    return Action(kind, attribute(key), amount, message)


def load_rule_sets(path: Path) -> dict[str, RuleSet]:
    """Read a rules file (``kind = "rules"``): its rule sets by id."""
    data = _read(path)
    where = path.name
    if data.get("kind") != "rules":
        raise InputError(f"{where}.kind", data.get("kind"), '"rules"')
    out: dict[str, RuleSet] = {}
    for i, rs in enumerate(_need(data, "rule_sets", where, list)):
        here = f"{where}.rule_sets[{i}]"
        rules = []
        for j, rule in enumerate(_need(rs, "rules", here, list)):
            rh = f"{here}.rules[{j}]"
            rules.append(
                Rule(
                    name=_need(rule, "name", rh, str),
                    when=tuple(_condition(c, f"{rh}.when") for c in rule.get("when", [])),
                    when_any=tuple(
                        _condition(c, f"{rh}.when_any") for c in rule.get("when_any", [])
                    ),
                    then=tuple(_action(a, f"{rh}.then") for a in _need(rule, "then", rh, list)),
                    because=_need(rule, "because", rh, str),
                )
            )
        rid = _need(rs, "id", here, str)
        out[rid] = RuleSet(
            rid, str(rs.get("description", "")), str(rs.get("source", "")), tuple(rules)
        )
    return out


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Every program and rule set of a folder."""

    programs: dict[str, Program]
    rule_sets: dict[str, RuleSet]

    def program(self, program_id: str) -> Program:
        try:
            return self.programs[program_id]
        except KeyError:
            raise InputError("program", program_id, ", ".join(sorted(self.programs))) from None

    def rules_for(self, program: Program) -> RuleSet:
        return self.rule_sets[program.rules]


def load_catalogue(folder: Path | None = None) -> Catalogue:
    """Read every ``*.toml`` of ``folder`` (default: the shipped programs) by its ``kind``."""
    folder = folder or shipped_dir()
    programs: dict[str, Program] = {}
    rule_sets: dict[str, RuleSet] = {}
    for path in sorted(folder.glob("*.toml")):
        kind = _read(path).get("kind")
        if kind == "program":
            program = load_program(path)
            if program.id in programs:
                raise InputError(f"{path.name}.id", program.id, "an id no other program uses")
            programs[program.id] = program
        elif kind == "rules":
            rule_sets.update(load_rule_sets(path))
    for program in programs.values():
        if program.rules not in rule_sets:
            raise InputError(f"{program.id}.rules", program.rules, ", ".join(sorted(rule_sets)))
    return Catalogue(programs, rule_sets)
