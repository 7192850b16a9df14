"""The enforcement model: steps, validation, gates, deadlines. Pure: no I/O, no crypto."""
