"""Programme years (以干代训年度计划) and the selection of the unions that send a trainee."""
