"""Training hours (培训学时) and yearly assessments (年度考核)."""
