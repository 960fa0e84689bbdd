"""Instructors, the three tiers and who guides whom (指导关系), the org chart and spans, instructor accounts."""
