"""Three-tier collective-bargaining instructors (三级集体协商指导员工作体系): tiers, the guidance hierarchy,
division of duties, guidance meetings, bargaining engagements, training and assessment."""
