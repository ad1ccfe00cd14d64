"""One bundle of a person's data, written and read by the web app and the CLI alike.

``retrostride-bundle`` version 4 (``docs/export-format.md``) holds the account (name, role,
display preferences; never a password or a secret), the training log (the ``retrostride-log``
version-2 document of :mod:`retrostride.services.export`, samples included), the original bytes
of the imported files (base64, under their stored names), assessments, program enrolments with
their screening answers and the sharing grants the athlete gave (the clinician named by e-mail
address, since account ids differ between instances).

Reading accepts that bundle, version 3 (the same with a version-1 log, which named a session's
ground ``terrain``, now ``surface``), version 2 (version 3 without the files) and the older
files ``retrostride-log`` version 1 and ``retrostride-account`` version 1. Every document is
parsed into typed models with every range checked *before* anything is written: a tampered,
truncated or unknown file gives one :class:`~retrostride.errors.InputError` naming the field,
and restores nothing.

Program progress is not stored: it follows from the log and the enrolment, so it comes back
with them. A file's bytes are checked against its SHA-256 and size when the bundle is parsed,
and come back with the file's sessions (files imported before the log kept bytes have only
their identity).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic import model_validator as _model_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from retrostride.errors import InputError
from retrostride.importers.activity.plausibility import channel_limit
from retrostride.log.model import Samples, Sex
from retrostride.science import limits
from retrostride.science.locomotion import Direction, Setting
from retrostride.services import export as log_export
from retrostride.services.preferences import DATE_FORMATS, MASS_UNITS, SPEED_UNITS, valid_zone
from retrostride.store import repository as repo
from retrostride.store.accounts import AccountRow, ShareGrantRow
from retrostride.store.db import Database, utc_now
from retrostride.store.models import ImportLogRow, SessionRow, SourceBlobRow
from retrostride.store.programs import AssessmentRow, EnrolmentRow

FORMAT_NAME = "retrostride-bundle"
FORMAT_VERSION = 4
READABLE_VERSIONS = (2, 3, 4)
MAX_FILES = 100_000
MAX_FILE_BASE64 = 4 * (200 * 1024 * 1024) // 3 + 4
"""Longest base64 text of one file (a 200 MB file, over any import limit)."""
MAX_SESSIONS = 200_000
MAX_SAMPLES = 2_000_000
WEEK_S = 7 * 24 * 3600.0


Duration = Annotated[float, Field(ge=0.0, le=WEEK_S, allow_inf_nan=False)]
Distance = Annotated[float, Field(ge=0.0, le=2_000_000.0, allow_inf_nan=False)]
Speed = Annotated[float, Field(ge=0.0, le=100.0, allow_inf_nan=False)]
Grade = Annotated[float, Field(ge=-100.0, le=100.0, allow_inf_nan=False)]
Load = Annotated[float, Field(ge=0.0, le=500.0, allow_inf_nan=False)]
Sled = Annotated[float, Field(ge=0.0, le=2000.0, allow_inf_nan=False)]
HeartRate = Annotated[
    float,
    Field(ge=limits.HEART_RATE_BPM.low, le=limits.HEART_RATE_BPM.high, allow_inf_nan=False),
]
"""A segment's heart rate: stored totals lie inside the limit (the importers flag the others)."""
CADENCE_HIGH: Final = max(limits.STEP_CADENCE_SPM.high, limits.PEDAL_CADENCE_RPM.high)
Cadence = Annotated[float, Field(ge=0.0, le=CADENCE_HIGH, allow_inf_nan=False)]
"""A segment's cadence: steps or pedal revolutions a minute (``limits.STEP_CADENCE_SPM``,
``limits.PEDAL_CADENCE_RPM``: the higher bound; the session's sport picks its own below)."""
Kcal = Annotated[float, Field(ge=0.0, le=100_000.0, allow_inf_nan=False)]
Scale10 = Annotated[float, Field(ge=0.0, le=10.0, allow_inf_nan=False)]
MassKg = Annotated[
    float,
    Field(ge=limits.BODY_MASS_KG.low, le=limits.BODY_MASS_KG.high, allow_inf_nan=False),
]
Height = Annotated[
    float, Field(ge=limits.HEIGHT_M.low, le=limits.HEIGHT_M.high, allow_inf_nan=False)
]
Measured = Annotated[float, Field(ge=-1e6, le=1e6, allow_inf_nan=False)]
Text200 = Annotated[str, Field(max_length=200)]
Text64 = Annotated[str, Field(max_length=64)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceIn(_Model):
    name: Annotated[str, Field(max_length=1000)]
    format: Annotated[str, Field(max_length=16)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    size_bytes: Annotated[int, Field(ge=0, le=10**10)]


class FileIn(_Model):
    """An imported file's original bytes (base64), which must match its SHA-256 and size."""

    name: Annotated[str, Field(max_length=1000)]
    format: Annotated[str, Field(max_length=16)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    size_bytes: Annotated[int, Field(ge=0, le=10**10)]
    data_base64: Annotated[str, Field(max_length=MAX_FILE_BASE64)]

    @_model_validator(mode="after")
    def _bytes_match(self) -> FileIn:
        try:
            data = base64.b64decode(self.data_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("data_base64: base64 text of the file's bytes") from None
        if len(data) != self.size_bytes or hashlib.sha256(data).hexdigest() != self.sha256:
            raise ValueError(
                f"data_base64: the bytes of {self.name!r} (their size or SHA-256 differs from "
                "the file's: damaged or changed)"
            )
        return self

    def data(self) -> bytes:
        return base64.b64decode(self.data_base64)


class SegmentIn(_Model):
    start_offset_s: Duration
    elapsed_s: Duration | None = None
    moving_s: Duration | None = None
    distance_m: Distance | None = None
    direction: Direction = Direction.UNKNOWN
    speed_m_s: Speed | None = None
    grade_percent: Grade | None = None
    load_kg: Load | None = None
    sled_kg: Sled | None = None
    heart_rate_bpm: HeartRate | None = None
    cadence_spm: Cadence | None = None
    device_kcal: Kcal | None = None
    side_stepping_s: Duration | None = None


class FlagIn(_Model):
    """A device value outside its physical limit (``log.model.Flag``)."""

    where: Text64
    field: Text64
    value: Annotated[float, Field(allow_inf_nan=False)]
    unit: Text64
    bound: Annotated[str, Field(max_length=2000)]
    count: Annotated[int, Field(ge=1, le=MAX_SAMPLES)] = 1


class SessionIn(_Model):
    id: Annotated[int, Field(ge=1, le=2**31)] | None = None
    sport: Annotated[str, Field(min_length=1, max_length=64)]
    sub_sport: Text64 | None = None
    start_utc: datetime | None = None
    utc_offset_s: Annotated[int, Field(ge=-14 * 3600, le=14 * 3600)] | None = None
    offset_assumed: bool = False
    imported_at: datetime | None = None
    elapsed_s: Duration | None = None
    moving_s: Duration | None = None
    distance_m: Distance | None = None
    setting: Setting = Setting.OVERGROUND
    surface: Text64 | None = None
    device: Text200 | None = None
    title: Text200 | None = None
    notes: Annotated[str, Field(max_length=100_000)] = ""
    rpe: Scale10 | None = None
    pain_before: Scale10 | None = None
    pain_after: Scale10 | None = None
    device_kcal: Kcal | None = None
    energy_kcal: Kcal | None = None
    energy_source: Literal["model", "device"] | None = None
    energy_model_version: Text64 | None = None
    group: Text200 | None = None
    recovered: Annotated[str, Field(max_length=2000)] | None = None
    warnings: Annotated[list[Annotated[str, Field(max_length=2000)]], Field(max_length=1000)] = []
    flags: Annotated[list[FlagIn], Field(max_length=1000)] = []
    source: SourceIn | None = None
    segments: Annotated[list[SegmentIn], Field(max_length=10_000)] = []
    samples: dict[str, list[float | None]] | None = None

    @_model_validator(mode="after")
    def _cadence_of_the_sport(self) -> SessionIn:
        """Each segment's cadence inside the sport's own bound (steps or pedal turns)."""
        bound = channel_limit(self.sport, "cadence_spm")
        for number, segment in enumerate(self.segments):
            cadence = segment.cadence_spm
            if bound is not None and cadence is not None and not bound.mask(cadence):
                raise ValueError(
                    f"segments.{number}.cadence_spm: {cadence:g} is not valid for "
                    f"{self.sport}; expected {bound.expected}"
                )
        return self

    @field_validator("start_utc", "imported_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("a time with its UTC offset, such as 2026-03-02T07:30:00+00:00")
        return value

    @field_validator("samples")
    @classmethod
    def _channels(cls, value: dict[str, list[float | None]] | None) -> Any:
        if value is None:
            return None
        known = set(Samples.__dataclass_fields__)
        lengths = set()
        for name, values in value.items():
            if name not in known:
                raise ValueError(f"an unknown channel {name!r}; expected some of "
                                 f"{', '.join(sorted(known))}")
            if len(values) > MAX_SAMPLES:
                raise ValueError(f"at most {MAX_SAMPLES} samples per channel")
            if any(v is not None and v != v for v in values):
                raise ValueError("numbers or null")
            lengths.add(len(values))
        if len(lengths) > 1:
            raise ValueError("channels of one length")
        if value and "time_s" not in value:
            raise ValueError("a time_s channel")
        return value


class BodyMassIn(_Model):
    on: date
    mass_kg: MassKg


class PersonIn(_Model):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    home_time_zone: Text64 = "UTC"
    height_m: Height | None = None
    birth_year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    sex: Sex | None = None
    body_mass: Annotated[list[BodyMassIn], Field(max_length=100_000)] = []

    @field_validator("home_time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if not valid_zone(value):
            raise ValueError("an IANA time zone such as Europe/Paris")
        return value


class ImportLogIn(_Model):
    at: datetime | None = None
    file_name: Annotated[str, Field(max_length=1000)]
    sha256: Annotated[str, Field(max_length=64)] | None = None
    outcome: Text64
    message: Annotated[str, Field(max_length=10_000)] = ""
    session_ids: Annotated[str, Field(max_length=10_000)] = ""


class LogIn(_Model):
    format: Literal["retrostride-log"]
    version: Literal[2]  # version 1 is read through log_export.log_v1_to_v2
    exported_at: str | None = None
    person: PersonIn
    sessions: Annotated[list[SessionIn], Field(max_length=MAX_SESSIONS)] = []
    import_log: Annotated[list[ImportLogIn], Field(max_length=MAX_SESSIONS)] = []


class PreferencesIn(_Model):
    speed_unit: Literal[SPEED_UNITS] | None = None  # type: ignore[valid-type]
    mass_unit: Literal[MASS_UNITS] | None = None  # type: ignore[valid-type]
    time_zone: Text64 | None = None
    date_format: Literal[DATE_FORMATS] | None = None  # type: ignore[valid-type]

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None and not valid_zone(value):
            raise ValueError("an IANA time zone such as Europe/Paris")
        return value


class AccountIn(_Model):
    email: Annotated[str, Field(max_length=320)]
    display_name: Text200 = ""
    role: Literal["athlete", "clinician"]
    preferences: PreferencesIn = PreferencesIn()


class AssessmentIn(_Model):
    measure: Annotated[str, Field(max_length=32)]
    on: date
    value: Measured
    unit: Annotated[str, Field(max_length=16)]
    method: Annotated[str, Field(max_length=32)] | None = None
    detail: Text200 | None = None
    raw: dict[str, float | str] = {}
    notes: Annotated[str, Field(max_length=2000)] = ""

    @field_validator("measure")
    @classmethod
    def _known(cls, value: str) -> str:
        from retrostride.science.outcomes import MEASURES

        if value not in MEASURES:
            raise ValueError(f"one of {', '.join(MEASURES)}")
        return value


class EnrolmentIn(_Model):
    uid: Annotated[str, Field(min_length=1, max_length=36)]
    program_id: Text64
    program_version: Annotated[int, Field(ge=1, le=10_000)]
    program_source: Annotated[str, Field(max_length=200_000)]
    start_date: date
    status: Literal["active", "stopped", "finished", "replaced"]
    screening_status: Text64
    screening_answers: dict[str, bool | int | float | Text200 | None] = {}
    restrictions: Annotated[str, Field(max_length=10_000)] = ""
    cleared_by: Text200 | None = None
    created_at: datetime
    stopped_at: datetime | None = None


class GrantIn(_Model):
    clinician_email: Annotated[str, Field(max_length=320)]
    can_write: bool = False
    created_at: datetime | None = None


class BundleIn(_Model):
    """A parsed bundle, whatever file it came from."""

    format: Literal["retrostride-bundle"] = "retrostride-bundle"
    version: Literal[2, 3, 4] = 4
    exported_at: str | None = None
    account: AccountIn | None = None
    log: LogIn | None = None
    files: Annotated[list[FileIn], Field(max_length=MAX_FILES)] = []
    assessments: Annotated[list[AssessmentIn], Field(max_length=1_000_000)] = []
    enrolments: Annotated[list[EnrolmentIn], Field(max_length=10_000)] = []
    grants: Annotated[list[GrantIn], Field(max_length=10_000)] = []

    @_model_validator(mode="after")
    def _enrolments_unique(self) -> BundleIn:
        uids = [e.uid for e in self.enrolments]
        if len(uids) != len(set(uids)):
            raise ValueError("enrolments with distinct uid")
        return self


# ----------------------------------------------------------------------------- parsing


def _refusal(exc: ValidationError) -> InputError:
    """The first problem of a document as one message naming the field."""
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error["loc"]) or "bundle"
    value = error.get("input")
    shown = value if isinstance(value, str | int | float | bool) or value is None else "..."
    expected = error["msg"].removeprefix("Value error, ")
    for prefix in ("Input should be ", "Input should have ", "String should "):
        if expected.startswith(prefix):
            expected = expected.removeprefix("Input should be ").removeprefix("Input should ")
            expected = expected.removeprefix("String should ")
    return InputError(where, shown, expected)


def _from_account_v1(document: dict[str, Any]) -> dict[str, Any]:
    """The ``retrostride-account`` version-1 document in the shape of version 2."""
    account = document.get("account") or {}
    assessments = []
    for a in document.get("assessments") or []:
        if isinstance(a, dict):
            assessments.append({k: v for k, v in a.items() if k != "id"})
    enrolments = []
    for e in document.get("enrolments") or []:
        if isinstance(e, dict):
            answers = e.get("screening_answers")
            if isinstance(answers, str):
                try:
                    answers = json.loads(answers or "{}")
                except ValueError:
                    answers = {"?": "not JSON"}
            enrolments.append({**e, "screening_answers": answers})
    return {
        "exported_at": document.get("exported_at"),
        "account": {
            "email": account.get("email", ""), "display_name": account.get("display_name", ""),
            "role": account.get("role"),
        } if isinstance(account, dict) else account,
        # back-compat: a log of version 1 names the ground `terrain`
        "log": log_export.log_v1_to_v2(document.get("log")),
        "assessments": assessments,
        "enrolments": enrolments,
        # version 1 named clinicians by this instance's account ids: not portable
        "grants": [],
    }


def parse_bundle(document: Any) -> BundleIn:
    """A bundle, ``retrostride-log`` v1 or ``retrostride-account`` v1 document, fully checked."""
    if not isinstance(document, dict):
        raise InputError("bundle", type(document).__name__, "a JSON object")
    kind, version = document.get("format"), document.get("version")
    try:
        if kind == FORMAT_NAME:
            if version not in READABLE_VERSIONS:
                raise InputError(
                    "version", version if isinstance(version, int | str) else "...",
                    f"bundle version {' or '.join(map(str, READABLE_VERSIONS))}",
                )
            if version in (2, 3):  # back-compat: their log is version 1 (ground as `terrain`)
                document = {**document, "log": log_export.log_v1_to_v2(document.get("log"))}
            return BundleIn.model_validate(document)
        if kind == log_export.FORMAT_NAME:
            if version not in (1, log_export.FORMAT_VERSION):
                raise InputError("version", version, "retrostride-log version 1 or 2")
            return BundleIn(log=LogIn.model_validate(log_export.log_v1_to_v2(document)))
        if kind == "retrostride-account":
            if version != 1:
                raise InputError("version", version, "retrostride-account version 1")
            return BundleIn.model_validate(_from_account_v1(document))
    except ValidationError as exc:
        raise _refusal(exc) from None
    raise InputError(
        "format", kind if isinstance(kind, str | int | float) else "...",
        f"a {FORMAT_NAME}, retrostride-log or retrostride-account file",
    )


def parse_text(data: bytes | str) -> BundleIn:
    """Parse a bundle's JSON text (bytes as UTF-8)."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError("bundle", "...", f"a whole JSON file ({exc.__class__.__name__})") from None
    return parse_bundle(document)


# ----------------------------------------------------------------------------- writing


def _preferences(row: AccountRow) -> dict[str, Any]:
    return {k: getattr(row, k) for k in ("speed_unit", "mass_unit", "time_zone", "date_format")
            if getattr(row, k) is not None}


def export_bundle(
    database: Database, person_name: str | None, account_id: int | None = None
) -> dict[str, Any]:
    """The bundle of an account and/or a person's log, as a JSON-ready document.

    ``account_id`` None: the account whose log ``person_name`` is, when there is one (the CLI).
    """
    log = log_export.bundle_to_json(log_export.read_bundle(database, person_name)) \
        if person_name is not None else None
    document: dict[str, Any] = {
        "format": FORMAT_NAME, "version": FORMAT_VERSION,
        "exported_at": utc_now().isoformat(), "account": None, "log": log,
        "files": [], "assessments": [], "enrolments": [], "grants": [],
    }
    with database.transaction() as db:
        person = repo.find_person(db, person_name) if person_name is not None else None
        person_id = person.id if person is not None else None
        account = db.get(AccountRow, account_id) if account_id is not None else (
            db.scalar(select(AccountRow).where(AccountRow.person_id == person_id))
            if person_id is not None else None)
        if account is not None:
            document["account"] = {
                "email": account.email, "display_name": account.display_name,
                "role": account.role, "preferences": _preferences(account),
            }
            document["grants"] = [
                {"clinician_email": email, "can_write": g.can_write,
                 "created_at": g.created_at.isoformat()}
                for g, email in db.execute(
                    select(ShareGrantRow, AccountRow.email)
                    .join(AccountRow, AccountRow.id == ShareGrantRow.clinician_id)
                    .where(ShareGrantRow.athlete_id == account.id)
                    .order_by(ShareGrantRow.id))
            ]
        if person_id is not None:
            document["files"] = [
                {"name": f.name, "format": f.format, "sha256": f.sha256,
                 "size_bytes": f.size_bytes,
                 "data_base64": base64.b64encode(data).decode("ascii")}
                for f, data in repo.originals(db, person_id)
            ]
            document["assessments"] = [
                {"measure": a.measure, "on": a.on.isoformat(), "value": a.value,
                 "unit": a.unit, "method": a.method, "detail": a.detail,
                 "raw": json.loads(a.raw_json or "{}"), "notes": a.notes}
                for a in db.scalars(select(AssessmentRow).where(
                    AssessmentRow.person_id == person_id).order_by(AssessmentRow.id))
            ]
            document["enrolments"] = [
                {"uid": e.uid, "program_id": e.program_id,
                 "program_version": e.program_version, "program_source": e.program_source,
                 "start_date": e.start_date.isoformat(), "status": e.status,
                 "screening_status": e.screening_status,
                 "screening_answers": json.loads(e.screening_answers or "{}"),
                 "restrictions": e.restrictions, "cleared_by": e.cleared_by,
                 "created_at": e.created_at.isoformat(),
                 "stopped_at": e.stopped_at.isoformat() if e.stopped_at else None}
                for e in db.scalars(select(EnrolmentRow).where(
                    EnrolmentRow.person_id == person_id).order_by(EnrolmentRow.id))
            ]
    return document


def bundle_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, allow_nan=False).encode("utf-8")


def write_bundle(database: Database, target: Path, person_name: str) -> int:
    """Write the bundle of ``person_name`` (and their account) to ``target``; sessions count."""
    document = export_bundle(database, person_name)
    tmp = target.with_name(target.name + ".part")  # the target appears whole or not at all
    try:
        tmp.write_bytes(bundle_bytes(document))
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return len(document["log"]["sessions"]) if document["log"] else 0


def read_file(source: Path) -> BundleIn:
    """Parse a bundle file (any of the three formats)."""
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise InputError("bundle", str(source), f"a readable file ({exc.strerror})") from None
    return parse_text(data)


# ----------------------------------------------------------------------------- restoring


@dataclass(frozen=True, slots=True)
class RestoreReport:
    sessions: int
    assessments: int
    enrolments: int
    grants: int
    skipped: tuple[str, ...]


def restore_bundle(
    database: Database, bundle: BundleIn, person_name: str, *, account_id: int | None = None,
    merge: bool = False,
) -> RestoreReport:
    """Restore a parsed bundle into the log of ``person_name`` (and ``account_id``) at once.

    Into an empty log the sessions keep their ids where free. A log that already has sessions
    is refused unless ``merge``: then sessions get new ids, files already in the log, enrolments
    already there (same uid) and assessments already there (same measure, day and value) are
    skipped. Grants are given to clinicians that have an account here (by e-mail address).
    """
    skipped: list[str] = []
    with database.transaction() as db:
        row = repo.get_or_create_person(db, person_name)
        has_sessions = db.scalar(
            select(func.count()).select_from(SessionRow).where(SessionRow.person_id == row.id))
        if has_sessions and not merge:
            raise log_export.RestoreError(
                "this log already has sessions: restore into an empty account, or merge")
        sessions = 0
        if bundle.log is not None:
            log = log_export.bundle_from_json(bundle.log.model_dump(mode="json"), "log")
            if merge:  # sessions entered by hand are known by start, sport and duration
                have = {tuple(r) for r in db.execute(
                    select(SessionRow.start_utc, SessionRow.sport, SessionRow.elapsed_s)
                    .where(SessionRow.person_id == row.id))}
                fresh = [s for s in log.sessions if s.source is not None
                         or (s.start_utc, s.sport, s.elapsed_s) not in have]
                if len(fresh) < len(log.sessions):
                    skipped.append(f"{len(log.sessions) - len(fresh)} session(s) already here")
                log.sessions = fresh
            keep_ids = not merge and not log_export._ids_taken(db, [s.id for s in log.sessions])
            if not has_sessions:
                log.person.name = row.name
                repo.apply_person(row, log.person)
            sessions = log_export._restore_sessions(db, row.id, log.sessions, keep_ids=keep_ids)
            if sessions < len(log.sessions):
                skipped.append(f"{len(log.sessions) - sessions} session(s) of files already here")
            # merged: the import log of the other server is kept only for a fresh log
            for entry in [] if has_sessions else bundle.log.import_log:
                db.add(ImportLogRow(person_id=row.id, **entry.model_dump()))
        _restore_files(db, row.id, bundle.files, skipped)
        assessments = _restore_assessments(db, row.id, bundle.assessments, skipped)
        enrolments = _restore_enrolments(db, row.id, bundle.enrolments, skipped)
        grants = 0
        if account_id is None:  # the CLI: the account whose log this is, if any
            account_id = db.scalar(select(AccountRow.id).where(AccountRow.person_id == row.id))
        if account_id is not None:
            grants = _restore_account(db, account_id, bundle, skipped)
    return RestoreReport(sessions, assessments, enrolments, grants, tuple(skipped))


def _restore_files(
    db: OrmSession, person_id: int, files: list[FileIn], skipped: list[str]
) -> None:
    """Each file's bytes beside its source-file row (restored with its sessions, or already
    in the log); a file no session came from, or whose bytes are kept already, is left."""
    orphans = 0
    for f in files:
        source = repo.find_source_by_sha(db, person_id, f.sha256)
        if source is None:
            orphans += 1
            continue
        if db.get(SourceBlobRow, source.id) is None:
            repo.keep_original(db, source.id, f.data())
    if orphans:
        skipped.append(f"{orphans} original file(s) of no restored session")


def _restore_assessments(
    db: OrmSession, person_id: int, items: list[AssessmentIn], skipped: list[str]
) -> int:
    have = {(a.measure, a.on, round(a.value, 9)) for a in db.scalars(
        select(AssessmentRow).where(AssessmentRow.person_id == person_id))}
    count = 0
    for a in items:
        if (a.measure, a.on, round(a.value, 9)) in have:
            continue
        db.add(AssessmentRow(
            person_id=person_id, measure=a.measure, on=a.on, value=a.value, unit=a.unit,
            method=a.method, detail=a.detail, raw_json=json.dumps(a.raw, sort_keys=True),
            notes=a.notes, created_at=utc_now()))
        count += 1
    if count < len(items):
        skipped.append(f"{len(items) - count} assessment(s) already here")
    return count


def _restore_enrolments(
    db: OrmSession, person_id: int, items: list[EnrolmentIn], skipped: list[str]
) -> int:
    count = 0
    active = db.scalar(select(func.count()).select_from(EnrolmentRow).where(
        EnrolmentRow.person_id == person_id, EnrolmentRow.status == "active"))
    for e in items:
        if db.scalar(select(EnrolmentRow.id).where(EnrolmentRow.uid == e.uid)) is not None:
            skipped.append(f"enrolment {e.program_id} of {e.start_date} (already here)")
            continue
        status = e.status
        if status == "active" and active:
            status = "stopped"  # one active program at a time: the one already here stays
            skipped.append(f"enrolment {e.program_id} restored as stopped (another is active)")
        db.add(EnrolmentRow(
            person_id=person_id, uid=e.uid, program_id=e.program_id,
            program_version=e.program_version, program_source=e.program_source,
            start_date=e.start_date, status=status, screening_status=e.screening_status,
            screening_answers=json.dumps(e.screening_answers, sort_keys=True),
            restrictions=e.restrictions, cleared_by=e.cleared_by, created_at=e.created_at,
            stopped_at=e.stopped_at))
        active = active or status == "active"
        count += 1
    return count


def _restore_account(
    db: OrmSession, account_id: int, bundle: BundleIn, skipped: list[str]
) -> int:
    account = db.get(AccountRow, account_id)
    if account is None:
        raise InputError("account_id", account_id, "an existing account")
    if bundle.account is not None:
        if not account.display_name:
            account.display_name = bundle.account.display_name
        for name, value in bundle.account.preferences.model_dump().items():
            if value is not None and getattr(account, name) is None:
                setattr(account, name, value)
    grants = 0
    for g in bundle.grants:
        clinician = db.scalar(select(AccountRow).where(
            AccountRow.email == g.clinician_email.strip().lower(),
            AccountRow.role == "clinician"))
        if clinician is None:
            skipped.append(f"sharing with {g.clinician_email} (no such clinician here)")
            continue
        exists = db.scalar(select(ShareGrantRow.id).where(
            ShareGrantRow.athlete_id == account_id, ShareGrantRow.clinician_id == clinician.id))
        if exists is not None:
            continue
        db.add(ShareGrantRow(athlete_id=account_id, clinician_id=clinician.id,
                             can_write=g.can_write, created_at=utc_now()))
        grants += 1
    return grants
