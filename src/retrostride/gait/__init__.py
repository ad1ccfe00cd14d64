"""IMU recordings and gait signal processing. No files, no database, no web."""
