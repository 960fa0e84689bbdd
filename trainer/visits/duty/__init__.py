"""The 24-hour telephone duty roster (24小时电话值班) of a special period: periods, planning, changes by hand."""
