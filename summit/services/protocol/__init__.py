"""Protocol: precedence of leaders, podium seating."""
