"""Users, roles, login and the permission rules every route goes through."""
