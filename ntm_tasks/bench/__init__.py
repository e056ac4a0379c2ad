"""Province-scale synthetic data for the benchmark (`flask --app wsgi ntm bench-data`, then bench/run.py)."""
