"""On call and alarms: the rota (rota.py), operators' alarm settings (preferences.py), raising
and escalating alarms (alarms.py) and delivering them (delivery.py)."""
