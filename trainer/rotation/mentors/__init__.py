"""The centre's mentors (带教律师): duty days in a programme year, leave, availability; the mentor's own page."""
