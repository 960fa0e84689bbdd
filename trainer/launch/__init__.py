"""Process launchers: the operator's commands that belong to no single area and `flask serve`."""
