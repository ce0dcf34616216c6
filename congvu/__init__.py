"""congvu: a provincial People's Committee's platform for administrative discipline and reform."""
