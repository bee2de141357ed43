"""cogov-sim."""
