"""The conflicts of the present: the page and the API (apply, keep, re-plan, the minimum notice)."""
