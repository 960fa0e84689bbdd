"""The organisation: the city federation, its 16 districts, their unions and service stations."""
