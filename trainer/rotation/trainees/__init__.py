"""Trainees (调解员学员): enrolment, their login, and the trainee import from Excel."""
