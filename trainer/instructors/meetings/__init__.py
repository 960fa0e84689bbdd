"""Guidance meetings (指导例会): series with a recurrence rule on working days, single meetings, attendance."""
