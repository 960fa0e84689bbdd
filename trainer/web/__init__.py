"""The web shell: what every page shares (login loading, template helpers, headers), error pages, the menu and
the one way a form is saved."""
