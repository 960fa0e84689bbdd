"""Placements (跟班安排): planning them with the solver, moving and pinning, the plan in Excel, the trainee's own
rotation page."""
