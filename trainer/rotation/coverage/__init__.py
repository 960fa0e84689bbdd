"""Mediator coverage (覆盖率) per district and for the city: pages, chart and Excel."""
