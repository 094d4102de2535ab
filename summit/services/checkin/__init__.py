"""Check-in at the gates: scans, holders, the offline manifest, the desk look-up, gates, salon
doors and the arrivals board."""
