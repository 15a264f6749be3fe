"""Demo and synthetic data: the demo province, a synthetic population, benchmark records,
a large generated province for the dashboards. Above every domain app it fills, below core."""
