"""Division of duties (分工职责): streets, industries and enterprises per instructor; gaps and overlaps."""
