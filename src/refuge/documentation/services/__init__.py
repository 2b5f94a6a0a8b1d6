"""Documentation services: records (records.py), testimony (testimony.py), places (places.py),
acts (acts.py). Evidence services live in documentation.evidence."""
