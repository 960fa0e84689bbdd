"""Setting up the programme: law firms and their contracts, lawyers and their leave, station assignments (with a
suggestion), and the Excel imports of stations, firms, lawyers and leave."""
