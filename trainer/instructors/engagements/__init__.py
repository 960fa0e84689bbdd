"""Bargaining engagements (集体协商): stages, deadlines, bargaining sessions."""
