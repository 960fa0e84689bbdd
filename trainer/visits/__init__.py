"""Lawyer visits (一站一家一律师): firms, contracts, lawyers, station assignments and the visit plan."""
