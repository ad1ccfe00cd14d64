"""Programs as data, progression rules, schedules and calendar export."""
