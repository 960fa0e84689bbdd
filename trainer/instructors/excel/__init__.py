"""Excel templates, exports and imports of the instructors and the engagements."""
