"""Import and export: the JSON programme file (programme.py) and Excel helpers (excel.py)."""
