"""Lawyer visits (一站一家一律师): firms, contracts, lawyers, station assignments, the visit plan, what happens at a
visit, the firms' monthly accounts and the 24-hour telephone duty roster.

Cut by feature: ``setup/`` (firms, lawyers, leave, assignments, Excel imports), ``plan/`` (the planner and the
visits it makes), ``records/`` (check-in, consultations, accounts), ``duty/`` (the telephone roster). See
docs/visits.md, "Where the code is".
"""
