"""What happened at the visits: check-in and check-out, no-shows, consultations, the lawyer's own pages, the
firms' monthly accounts, and the records as Excel files."""
