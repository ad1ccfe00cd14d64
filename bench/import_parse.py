"""Parse throughput and peak memory of the activity importers against the bare libraries.

Run from the repo root: ``.venv/bin/python -m bench.import_parse [--shared PATH] [--mb 50]``.

Every case runs in its own subprocess. Peak memory is the increase of the process's peak
resident set (``VmHWM``) over its resident set just before the parse, after the imports: the
peak is reset there by writing ``5`` to ``/proc/self/clear_refs`` (Linux), so the imports'
temporary high-water mark does not hide the parse's. (``getrusage().ru_maxrss`` cannot be
reset, which hid increases smaller than the imports' temporaries.) RSS is used rather than
tracemalloc because lxml's and numpy's C allocations are invisible to tracemalloc, and RSS is
what the machine pays. Times are
the process's CPU time (``time.process_time``; every parser here is single-threaded, so on an
idle machine it equals wall time, and on a shared one it is not inflated by other jobs), best of
``--repeat`` runs inside that process (the first run gives the memory figure).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- the parsers under test
def _ours(path: Path) -> int:
    from retrostride.importers.activity import parse_activity_file

    parsed = parse_activity_file(path, max_bytes=1 << 34)
    return sum(len(s.samples) if s.samples is not None else 0 for s in parsed.sessions)


def _summary(path: Path) -> int:
    from retrostride.importers.activity import read_summary

    read_summary(path, max_bytes=1 << 34)
    return 1


def _fitdecode(path: Path) -> int:
    import fitdecode

    n = 0
    with fitdecode.FitReader(
        path, check_crc=fitdecode.CrcCheck.RAISE, error_handling=fitdecode.ErrorHandling.WARN
    ) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":
                n += 1
    return n


def _gpxpy(path: Path) -> int:
    import gpxpy

    with path.open(encoding="utf-8") as handle:
        gpx = gpxpy.parse(handle)
    return sum(len(seg.points) for trk in gpx.tracks for seg in trk.segments)


def _tcxreader(path: Path) -> int:
    from tcxreader.tcxreader import TCXReader

    return len(TCXReader().read(str(path)).trackpoints)


def _lxml_bare(path: Path) -> int:
    """The floor: iterparse the points into plain tuples, clearing as it goes."""
    from lxml import etree

    rows = []
    for _event, el in etree.iterparse(
        str(path), events=("end",), tag=("{*}trkpt", "{*}Trackpoint"), huge_tree=True
    ):
        rows.append(
            (el.get("lat"), el.get("lon"), el.findtext("{*}time") or el.findtext("{*}Time"))
        )
        el.clear(keep_tail=False)
        while el.getprevious() is not None:
            del el.getparent()[0]
    return len(rows)


PARSERS = {
    "ours": _ours,
    "summary": _summary,
    "fitdecode": _fitdecode,
    "gpxpy": _gpxpy,
    "tcxreader": _tcxreader,
    "lxml": _lxml_bare,
}


def _status_mb(key: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024.0  # kB
    raise KeyError(key)


def _reset_peak() -> float:
    """Reset the process's peak RSS to its current RSS (Linux clear_refs '5'); current RSS [MB]."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass  # peak then includes the imports' high-water mark: an overestimate, never less
    return _status_mb("VmRSS")


def _peak_mb() -> float:
    return _status_mb("VmHWM")


def child(parser: str, path: Path, repeat: int) -> None:
    """Run one parser on one file; print JSON (points, best seconds, peak increase MB)."""
    import fitdecode  # noqa: F401  (imports are part of the baseline, not the parse)
    import gpxpy  # noqa: F401
    import lxml.etree  # noqa: F401
    import numpy  # noqa: F401
    import tcxreader.tcxreader  # noqa: F401

    import retrostride.importers.activity._dispatch
    import retrostride.importers.activity.fit
    import retrostride.importers.activity.gpx
    import retrostride.importers.activity.tcx  # noqa: F401

    func = PARSERS[parser]
    baseline = _reset_peak()
    best = float("inf")
    points = 0
    peak = 0.0
    for i in range(repeat):
        t0 = time.process_time()
        points = func(path)
        best = min(best, time.process_time() - t0)
        if i == 0:
            peak = _peak_mb() - baseline
    print(json.dumps({"points": points, "seconds": best, "peak_mb": peak}))


def run_case(parser: str, path: Path, repeat: int) -> dict[str, Any]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.import_parse",
            "--child",
            parser,
            str(path),
            "--repeat",
            str(repeat),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


# ---------------------------------------------------------------- synthetic files
def _repeat_points(
    source: Path,
    target: Path,
    min_mb: float,
    *,
    point: str,
    open_tag: str,
    tail: str,
    time_tag: str,
    drop_tag: str | None = None,
) -> None:
    """Repeat one XML file's ``point`` elements after its ``open_tag``, with fresh increasing
    times in ``time_tag`` (and ``drop_tag`` removed), until the file reaches ``min_mb``."""
    text = source.read_text("utf-8")
    points = re.findall(rf"<{point}\b.*?</{point}>", text, flags=re.S)
    head = text[: text.index(open_tag) + len(open_tag)]
    with target.open("w", encoding="utf-8") as out:
        out.write(head)
        second = 0
        while out.tell() < min_mb * 1e6:
            for pt in points:
                stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_500_000_000 + second))
                timed = f"<{time_tag}>{stamp}</{time_tag}>"
                pt = re.sub(rf"<{time_tag}>[^<]*</{time_tag}>", timed, pt)
                if drop_tag:
                    pt = re.sub(rf"<{drop_tag}>[^<]*</{drop_tag}>", "", pt)
                out.write(pt)
                second += 1
        out.write(tail)


def synth_gpx(source: Path, target: Path, min_mb: float) -> None:
    """Repeat one GPX file's points, with fresh increasing times, until min_mb is reached."""
    _repeat_points(
        source, target, min_mb, point="trkpt", open_tag="<trkseg>",
        tail="</trkseg></trk></gpx>\n", time_tag="time",
    )


def synth_tcx(source: Path, target: Path, min_mb: float) -> None:
    """Repeat one TCX file's trackpoints inside one lap until min_mb is reached."""
    _repeat_points(
        source, target, min_mb, point="Trackpoint", open_tag="<Track>",
        tail="</Track></Lap></Activity></Activities></TrainingCenterDatabase>\n",
        time_tag="Time", drop_tag="DistanceMeters",
    )


def _fit_messages(body: bytes) -> list[tuple[int, int, int, bool, list[tuple[int, int, int]]]]:
    """(start, end, global number or -1 for a definition, big endian, fields) per message."""
    out = []
    defs: dict[int, tuple[int, bool, int, list[tuple[int, int, int]]]] = {}
    pos = 0
    while pos < len(body):
        head = body[pos]
        start = pos
        pos += 1
        if head & 0x80:
            raise ValueError("compressed timestamps: pick another file for the synthetic FIT")
        local = head & 0x0F
        if head & 0x40:
            big = body[pos + 1] == 1
            mesg = int.from_bytes(body[pos + 2 : pos + 4], "big" if big else "little")
            n = body[pos + 4]
            pos += 5
            fields, off = [], 0
            for _ in range(n):
                fields.append((body[pos], off, body[pos + 1]))
                off += body[pos + 1]
                pos += 3
            if head & 0x20:
                nd = body[pos]
                pos += 1
                for _ in range(nd):
                    off += body[pos + 1]
                    pos += 3
            defs[local] = (mesg, big, off, fields)
            out.append((start, pos, -1, big, fields))
        else:
            mesg, big, size, fields = defs[local]
            pos += size
            out.append((start, pos, mesg, big, fields))
    return out


def synth_fit(source: Path, target: Path, min_mb: float) -> None:
    """Repeat one FIT file's records (times shifted) until min_mb; summaries kept once."""
    from fitdecode.utils import compute_crc

    data = source.read_bytes()
    hsize = data[0]
    body = data[hsize : hsize + int.from_bytes(data[4:8], "little")]
    msgs = _fit_messages(body)
    last_record = max(i for i, m in enumerate(msgs) if m[2] == 20)
    span_end = msgs[last_record][1]
    stamps = [
        int.from_bytes(body[m[0] + 1 + o : m[0] + 1 + o + 4], "big" if m[3] else "little")
        for m in msgs
        if m[2] == 20
        for num, o, sz in m[4]
        if num == 253 and sz == 4
    ]
    period = max(stamps) - min(stamps) + 1
    skip = {0, 18, 19, 34, 49}  # file_id, session, lap, activity, file_creator: once only
    parts = [body[:span_end]]
    size = len(data)
    k = 0
    while size < min_mb * 1e6:
        k += 1
        for start, end, mesg, big, fields in msgs[: last_record + 1]:
            if mesg in skip:
                continue
            chunk = bytearray(body[start:end])
            if mesg >= 0:
                for num, off, sz in fields:
                    if num == 253 and sz == 4:
                        order = "big" if big else "little"
                        value = int.from_bytes(chunk[1 + off : 5 + off], order) + k * period
                        chunk[1 + off : 5 + off] = value.to_bytes(4, order)
            parts.append(bytes(chunk))
            size += len(chunk)
    parts.append(body[span_end:])
    new_body = b"".join(parts)
    header = bytearray(data[:hsize])
    header[4:8] = len(new_body).to_bytes(4, "little")
    if hsize == 14:
        header[12:14] = compute_crc(header[:12]).to_bytes(2, "little")
    out = bytes(header) + new_body
    target.write_bytes(out + compute_crc(out).to_bytes(2, "little"))


def _largest(folder: Path, pattern: str) -> Path:
    return max(folder.glob(pattern), key=lambda p: p.stat().st_size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(os.environ.get("RETROSTRIDE_SHARED_DATA", REPO.parent / "shared" / "data")),
    )
    parser.add_argument("--mb", type=float, default=50.0, help="size of synthetic files [MB]")
    parser.add_argument("--fit-mb", type=float, default=10.0, help="synthetic FIT size [MB]")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("PARSER", "FILE"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), args.repeat)
        return
    act = args.shared / "activity"
    fit = _largest(act / "fit", "*.fit")
    cases: list[tuple[str, Path, list[str]]] = [
        ("FIT " + fit.name, fit, ["ours", "fitdecode"]),
        (
            "GPX " + _largest(act / "gpx", "*.gpx").name,
            _largest(act / "gpx", "*.gpx"),
            ["ours", "gpxpy", "lxml"],
        ),
        (
            "TCX " + _largest(act / "tcx", "*.tcx").name,
            _largest(act / "tcx", "*.tcx"),
            ["ours", "tcxreader", "lxml"],
        ),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        fit_big = Path(tmp) / "synthetic.fit"
        synth_fit(act / "fit" / "jk-running-with-developer-data.fit", fit_big, args.fit_mb)
        gpx_big = Path(tmp) / "synthetic.gpx"
        tcx_big = Path(tmp) / "synthetic.tcx"
        synth_gpx(act / "gpx" / "elevate-20170319_run_906581465-strava.gpx", gpx_big, args.mb)
        synth_tcx(act / "tcx" / "elevate-20181021_run_3106033902-garmin.tcx", tcx_big, args.mb)
        cases += [
            (f"FIT synthetic {args.fit_mb:.0f} MB", fit_big, ["ours", "fitdecode"]),
            (f"GPX synthetic {args.mb:.0f} MB", gpx_big, ["ours", "gpxpy", "lxml"]),
            (f"TCX synthetic {args.mb:.0f} MB", tcx_big, ["ours", "tcxreader", "lxml"]),
        ]
        print(f"{'case':<50}{'parser':<11}{'points':>9}{'k pts/s':>9}{'MB/MB':>7}{'vs ours':>9}")
        for label, path, parsers in cases:
            size_mb = path.stat().st_size / 1e6
            repeat = 1 if size_mb > 10 else args.repeat
            results = {p: run_case(p, path, repeat) for p in parsers}
            ours = results["ours"]["seconds"]
            for name, r in results.items():
                rate = r["points"] / r["seconds"] / 1000
                ratio = r["seconds"] / ours
                print(
                    f"{label:<50}{name:<11}{r['points']:>9}{rate:>9.1f}"
                    f"{r['peak_mb'] / size_mb:>7.2f}{ratio:>8.2f}x"
                )
        # Summary scan against the full decode, over every shared FIT file.
        total_full = total_summary = 0.0
        for path in sorted((act / "fit").glob("*.fit")):
            total_full += run_case("ours", path, args.repeat)["seconds"]
            total_summary += run_case("summary", path, args.repeat)["seconds"]
        print(
            f"FIT summary scan vs our full parse, all shared FIT files: "
            f"{total_full * 1000:.0f} ms vs {total_summary * 1000:.1f} ms = "
            f"{total_full / total_summary:.0f}x faster"
        )


if __name__ == "__main__":
    main()
