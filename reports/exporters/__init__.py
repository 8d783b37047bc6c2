"""One module per output format, all fed by the same report data."""
