"""Planning the visits: the planner (load → solve → persist), its problems in words, the month calendar, one
visit moved, swapped, pinned or cancelled by hand, a station's schedule, the plan as an Excel file."""
