"""An Apple Health export.zip made to the layout its export.xml declares in its own DTD, with
made-up data: heart-rate and step records, an outdoor walk with a route GPX (attributes of older
exports), an indoor run with WorkoutStatistics (newer exports), a ride."""

from __future__ import annotations

import zipfile
from pathlib import Path


def _health_xml(workouts: str, n_other_records: int = 0) -> str:
    other = "".join(
        '<Record type="HKQuantityTypeIdentifierStepCount" sourceName="Phone" unit="count" '
        f'startDate="2024-05-0{1 + i % 3} 08:00:00 +0200" endDate="2024-05-01 08:10:00 +0200" '
        'value="800"/>\n'
        for i in range(n_other_records)
    )
    heart = "".join(
        '<Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Watch" unit="count/min" '
        f'startDate="2024-05-04 10:{m:02d}:00 +0200" endDate="2024-05-04 10:{m:02d}:00 +0200" '
        f'value="{100 + m}"><MetadataEntry key="HKMetadataKeyHeartRateMotionContext" '
        'value="2"/></Record>\n'
        for m in range(0, 40, 5)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n'
        "<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>\n"
        '<!ATTLIST HealthData locale CDATA #REQUIRED>\n]>\n<HealthData locale="en_GB">\n'
        '<ExportDate value="2024-05-10 10:00:00 +0200"/>\n'
        '<Me HKCharacteristicTypeIdentifierDateOfBirth="" '
        'HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexNotSet"/>\n'
        f"{heart}{other}{workouts}</HealthData>\n"
    )


WALK_LEGACY = (
    '<Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="30" durationUnit="min"'
    ' totalDistance="2.4" totalDistanceUnit="km" totalEnergyBurned="120" '
    'totalEnergyBurnedUnit="kcal" sourceName="Watch" device="&lt;&lt;HKDevice: 0x1&gt;, '
    'name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,1&gt;" '
    'startDate="2024-05-04 10:00:00 +0200" endDate="2024-05-04 10:30:00 +0200">\n'
    '<MetadataEntry key="HKIndoorWorkout" value="0"/>\n'
    '<WorkoutRoute sourceName="Watch" startDate="2024-05-04 10:00:00 +0200" '
    'endDate="2024-05-04 10:30:00 +0200"><FileReference '
    'path="/workout-routes/route_2024-05-04_10.30am.gpx"/></WorkoutRoute>\n</Workout>\n'
)
RUN_INDOOR = (
    '<Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="20" '
    'durationUnit="min" sourceName="Watch" startDate="2024-05-05 18:00:00 +0200" '
    'endDate="2024-05-05 18:21:00 +0200">\n<MetadataEntry key="HKIndoorWorkout" value="1"/>\n'
    '<WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" '
    'startDate="2024-05-05 18:00:00 +0200" endDate="2024-05-05 18:21:00 +0200" sum="2.5" '
    'unit="mi"/>\n<WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" '
    'startDate="2024-05-05 18:00:00 +0200" endDate="2024-05-05 18:21:00 +0200" sum="1000" '
    'unit="kJ"/>\n</Workout>\n'
)
RIDE = (
    '<Workout workoutActivityType="HKWorkoutActivityTypeCycling" duration="60" '
    'durationUnit="min" sourceName="Watch" startDate="2024-05-06 18:00:00 +0200" '
    'endDate="2024-05-06 19:00:00 +0200"/>\n'
)


def _route() -> str:
    points = "".join(
        f'<trkpt lon="14.5" lat="{46.0 + 0.0001 * i:.4f}"><ele>300</ele>'
        f"<time>2024-05-04T08:{i // 60:02d}:{i % 60:02d}Z</time><extensions><speed>1.3</speed>"
        "<course>0</course><hAcc>3</hAcc><vAcc>2</vAcc></extensions></trkpt>\n"
        for i in range(0, 1800, 10)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="Apple Health Export"'
        ' xmlns="http://www.topografix.com/GPX/1/1"><metadata><time>2024-05-10T08:00:00Z</time>'
        f"</metadata><trk><name>Route 2024-05-04 10:30am</name><trkseg>{points}</trkseg></trk>"
        "</gpx>\n"
    )


def health_export_zip(path: Path, n_other_records: int = 0) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "apple_health_export/export.xml",
            _health_xml(WALK_LEGACY + RUN_INDOOR + RIDE, n_other_records),
        )
        zf.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>")
        zf.writestr("apple_health_export/workout-routes/route_2024-05-04_10.30am.gpx", _route())
    return path
