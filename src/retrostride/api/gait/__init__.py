"""Gait analyses: upload a wearable recording, get bouts, strides, cadence and direction."""
